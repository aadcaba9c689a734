package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** sum, mean and max over axes, with and without keeping the reduced axes. */
class ReductionsTest {

    /** A non-empty set of distinct axes of a rank-{@code rank} shape, some written negative. */
    private static int[] someAxes(RandomShapes shapes, int rank) {
        int[] order = shapes.permutation(rank);
        int[] axes = Arrays.copyOf(order, shapes.between(1, rank));
        for (int i = 0; i < axes.length; i++) {
            axes[i] = shapes.coin() ? axes[i] : axes[i] - rank;
        }
        return axes;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void sumOverAxesGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(1, 4);
        int[] axes = someAxes(shapes, dims.length);
        boolean keepDim = shapes.coin();
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("sum" + Arrays.toString(axes) + " keepDim " + keepDim, seed)
                .check(in -> in.get(0).sum(axes, keepDim).pow(2), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void meanOverAxesGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(1, 4);
        int[] axes = someAxes(shapes, dims.length);
        boolean keepDim = shapes.coin();
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("mean" + Arrays.toString(axes) + " keepDim " + keepDim, seed)
                .check(in -> in.get(0).mean(axes, keepDim).pow(2), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void sumAndMeanOfEverythingGradient(long seed) {
        Rng rng = new Rng(seed);
        Tensor x = new RandomTensors(rng).normal(1, new RandomShapes(rng).shape(0, 3));
        GradCheck.of("sum() and mean()", seed)
                .check(in -> in.get(0).sum().pow(2).add(in.get(0).mean().mul(3)), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void oneAxisSumAndMeanGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(1, 4);
        int axis = shapes.axis(dims.length);
        boolean keepDim = shapes.coin();
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("sum and mean on axis " + axis + " keepDim " + keepDim, seed)
                .check(in -> in.get(0).sum(axis, keepDim).mul(in.get(0).mean(axis, keepDim)), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void maxGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng, 1, 2, 3, 5);
        int[] dims = shapes.shape(1, 3);
        int axis = shapes.axis(dims.length);
        boolean keepDim = shapes.coin();
        Tensor x = new RandomTensors(rng).distinct(dims);
        GradCheck.of("max on axis " + axis + " keepDim " + keepDim, seed)
                .check(in -> in.get(0).max(axis, keepDim), List.of(x));
    }

    @Test
    void sumOverEachAxis() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        assertThat(x.sum().item()).isEqualTo(15);
        assertThat(x.sum().shape()).isEqualTo(Shape.scalar());
        assertThat(x.sum(0, false).toArray()).containsExactly(3, 5, 7);
        assertThat(x.sum(0, true).shape()).isEqualTo(Shape.of(1, 3));
        assertThat(x.sum(-1, false).toArray()).containsExactly(3, 12);
        assertThat(x.sum(1, true).shape()).isEqualTo(Shape.of(2, 1));
        assertThat(x.sum(new int[] {0, 1}, true).shape()).isEqualTo(Shape.of(1, 1));
        assertThat(Tensor.scalar(2.5f).sum().item()).isEqualTo(2.5f);
    }

    @Test
    void sumOverTwoOfThreeAxes() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor s = x.sum(new int[] {0, -1}, false);
        assertThat(s.shape()).isEqualTo(Shape.of(3));
        assertThat(s.toArray()).containsExactly(60, 92, 124);
        assertThat(x.sum(new int[] {2, 0}, true).shape()).isEqualTo(Shape.of(1, 3, 1));
    }

    @Test
    void meanDividesByTheNumberOfElementsReduced() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertThat(x.mean().item()).isEqualTo(11.5f);
        assertThat(x.mean(new int[] {0, 2}, false).toArray()).containsExactly(new float[] {7.5f, 11.5f, 15.5f},
                within(1e-6f));
        assertThat(x.mean(1, true).shape()).isEqualTo(Shape.of(2, 1, 4));
        assertThat(x.mean(1, false).toArray()).containsExactly(4, 5, 6, 7, 16, 17, 18, 19);
    }

    /**
     * Rows wider than the CPU backend's work items (1,024 columns), as a bias gradient's sum over the rows is: every
     * output still sums (or takes the max of) its inputs in order, as this double loop does.
     */
    @Test
    void wideRowsReduceAsOneLoopDoes() {
        RandomTensors random = new RandomTensors(new Rng(41));
        for (int[] dims : new int[][] {{5, 2049}, {2, 3, 2600}}) {
            Tensor x = random.normal(1f, dims);
            float[] v = x.toArray();
            int n = dims[dims.length - 2];
            int inner = dims[dims.length - 1];
            float[] sums = new float[v.length / n];
            float[] maxima = new float[v.length / n];
            for (int o = 0; o < v.length / (n * inner); o++) {
                for (int i = 0; i < inner; i++) {
                    double sum = 0;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < n; k++) {
                        sum += v[(o * n + k) * inner + i];
                        max = Math.max(max, v[(o * n + k) * inner + i]);
                    }
                    sums[o * inner + i] = (float) sum;
                    maxima[o * inner + i] = (float) max;
                }
            }
            assertThat(x.sum(dims.length - 2, false).toArray()).as(Arrays.toString(dims)).containsExactly(sums);
            assertThat(x.max(dims.length - 2, false).toArray()).as(Arrays.toString(dims)).containsExactly(maxima);
        }
    }

    @Test
    void maxPicksTheLargestAlongAnAxis() {
        Tensor x = Tensor.fromArray(new float[] {3, -1, 7, 2, 9, -4}, 2, 3);
        assertThat(x.max(1, false).toArray()).containsExactly(7, 9);
        assertThat(x.max(0, true).shape()).isEqualTo(Shape.of(1, 3));
        assertThat(x.max(0, true).toArray()).containsExactly(3, 9, 7);
        assertThat(Tensor.full(-5, 4).max(0, false).item()).isEqualTo(-5);
    }

    @Test
    void maxGradientGoesToTheMaximumAndIsSplitBetweenTies() {
        Tensor x = Tensor.fromArray(new float[] {1, 5, 5, 2, 0, 3}, 2, 3).requiresGrad(true);
        x.max(-1, false).mul(Tensor.fromArray(new float[] {4, 1})).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(0, 2, 2, 0, 0, 1);
    }

    @Test
    void meanGradientIsOneOverN() {
        Tensor x = Tensor.zeros(2, 5).requiresGrad(true);
        x.mean().backward();
        assertThat(x.grad().toArray()).containsOnly(0.1f);
    }
}
