package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Matrix products: known small cases, the CPU kernel against a naive triple loop, and gradients. */
class MatmulTest {

    /** A way of drawing a pair of matmul operand shapes. */
    record ShapeCase(String name, Function<RandomShapes, int[][]> draw) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Matrix sizes for gradient checks: 1 and odd sizes. */
    private static int size(RandomShapes s) {
        return s.oneOf(1, 2, 3, 5, 7);
    }

    private static int[] join(int[] batch, int rows, int cols) {
        int[] dims = Arrays.copyOf(batch, batch.length + 2);
        dims[batch.length] = rows;
        dims[batch.length + 1] = cols;
        return dims;
    }

    private static final List<ShapeCase> CASES = List.of(
            new ShapeCase("2-D", s -> {
                int m = s.oneOf(1, 2, 3, 5, 7, 17);
                int k = size(s);
                int n = s.oneOf(1, 2, 3, 5, 7, 17);
                return new int[][] {{m, k}, {k, n}};
            }),
            new ShapeCase("batched", s -> {
                int[] batch = s.shape(1, 2);
                int k = size(s);
                return new int[][] {join(batch, size(s), k), join(batch, k, size(s))};
            }),
            new ShapeCase("broadcast batch", s -> {
                int[][] batch = s.broadcastPair(2);
                int k = size(s);
                return new int[][] {join(batch[0], size(s), k), join(batch[1], k, size(s))};
            }),
            new ShapeCase("shared rank-2 weight", s -> {
                int k = size(s);
                return new int[][] {join(s.shape(1, 2), size(s), k), {k, size(s)}};
            }),
            new ShapeCase("rank-2 left operand", s -> {
                int k = size(s);
                return new int[][] {{size(s), k}, join(s.shape(1, 2), k, size(s))};
            }));

    static Stream<Arguments> cases() {
        return Seeds.each(CASES);
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("cases")
    void gradient(ShapeCase c, long seed) {
        Rng rng = new Rng(seed);
        int[][] dims = c.draw().apply(new RandomShapes(rng, 1, 2, 3));
        RandomTensors values = new RandomTensors(rng);
        GradCheck.of("matmul " + c.name(), seed).check(in -> in.get(0).matmul(in.get(1)),
                List.of(values.normal(1, dims[0]), values.normal(1, dims[1])));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("cases")
    void forwardMatchesNaiveProductOfBroadcastOperands(ShapeCase c, long seed) {
        Rng rng = new Rng(seed);
        int[][] dims = c.draw().apply(new RandomShapes(rng, 1, 2, 3));
        Tensor a = Tensor.randn(rng, dims[0]);
        Tensor b = Tensor.randn(rng, dims[1]);
        Tensor y = a.matmul(b);
        int[] batch = Shape.broadcast("test", batchOf(a.shape()), batchOf(b.shape())).dims();
        Tensor aFull = a.broadcastTo(join(batch, a.dim(-2), a.dim(-1)));
        Tensor bFull = b.broadcastTo(join(batch, b.dim(-2), b.dim(-1)));
        assertThat(y.shape()).isEqualTo(Shape.of(join(batch, a.dim(-2), b.dim(-1))));
        Close.assertClose("matmul " + c.name(), y.toArray(), naive(aFull.toArray(), bFull.toArray(),
                Shape.of(batch).numel(), a.dim(-2), a.dim(-1), b.dim(-1), false, false), 1e-4);
    }

    /**
     * The backend primitive with every transpose flag, on sizes around the kernel's blocks (16 rows, 128 of K),
     * against a triple loop in double.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void backendKernelMatchesNaiveProductForEveryTransposeFlag(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes s = new RandomShapes(rng);
        int batch = s.oneOf(1, 1, 3);
        int m = s.oneOf(1, 2, 7, 16, 17, 33);
        int k = s.oneOf(1, 3, 8, 31, 128, 129);
        int n = s.oneOf(1, 5, 16, 33);
        boolean sharedB = s.coin();
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                Tensor a = Tensor.randn(rng, batch, transA ? k : m, transA ? m : k);
                Tensor b = sharedB ? Tensor.randn(rng, transB ? n : k, transB ? k : n)
                        : Tensor.randn(rng, batch, transB ? n : k, transB ? k : n);
                float[] bData = sharedB ? Tensor.concat(Collections.nCopies(batch, b.reshape(1, -1)), 0)
                        .toArray() : b.toArray();
                Tensor y = Backends.cpu().matmul(a, b, transA, transB);
                assertThat(y.shape()).as("transA %s, transB %s", transA, transB).isEqualTo(Shape.of(batch, m, n));
                Close.assertClose(String.format("seed %d, (%d, %d, %d, %d), transA %s, transB %s, shared %s",
                        seed, batch, m, k, n, transA, transB, sharedB),
                        y.toArray(), naive(a.toArray(), bData, batch, m, k, n, transA, transB), 2e-4);
            }
        }
    }

    private static Shape batchOf(Shape s) {
        return Shape.of(Arrays.copyOf(s.dims(), s.rank() - 2));
    }

    /** C[b] = op(A[b])·op(B[b]) in double, op a transpose when its flag is set. */
    private static float[] naive(float[] a, float[] b, int batch, int m, int k, int n, boolean transA, boolean transB) {
        float[] c = new float[batch * m * n];
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++) {
                        float x = a[p * m * k + (transA ? q * m + i : i * k + q)];
                        float y = b[p * k * n + (transB ? j * k + q : q * n + j)];
                        sum += (double) x * y;
                    }
                    c[(p * m + i) * n + j] = (float) sum;
                }
            }
        }
        return c;
    }

    @Test
    void twoByTwo() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.fromArray(new float[] {5, 6, 7, 8}, 2, 2);
        assertThat(a.matmul(b).toArray()).containsExactly(19, 22, 43, 50);
    }

    @Test
    void rectangularWithAColumnAndARowVector() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.fromArray(new float[] {1, 0, 0, 1, 2, -1}, 3, 2);
        assertThat(a.matmul(b).shape()).isEqualTo(Shape.of(2, 2));
        assertThat(a.matmul(b).toArray()).containsExactly(7, -1, 16, -1);
        Tensor ones = Tensor.ones(3, 1);
        assertThat(a.matmul(ones).toArray()).containsExactly(6, 15);
        assertThat(Tensor.ones(1, 2).matmul(a).toArray()).containsExactly(5, 7, 9);
    }

    @Test
    void batchedProductMultipliesEachPairOfMatrices() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 1, 0, 0, 1}, 2, 2, 2);
        Tensor b = Tensor.fromArray(new float[] {1, 0, 0, 1, 5, 6, 7, 8}, 2, 2, 2);
        assertThat(a.matmul(b).toArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void sharedWeightAppliesToEveryBatchRow() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2);
        Tensor w = Tensor.fromArray(new float[] {1, 1, 0, 2, -1, 1}, 2, 3);
        Tensor y = x.matmul(w);
        assertThat(y.shape()).isEqualTo(Shape.of(3, 1, 3));
        assertThat(y.toArray()).containsExactly(5, -1, 2, 11, -1, 4, 17, -1, 6);
    }

    @Test
    void batchDimensionsBroadcast() {
        Tensor a = Tensor.fromArray(new float[] {1, 0, 0, 1, 2, 0, 0, 2}, 2, 1, 2, 2);
        Tensor b = Tensor.fromArray(new float[] {1, 2, 3, 4, 0, 1, 1, 0, 1, 1, 1, 1}, 3, 2, 2);
        Tensor y = a.matmul(b);
        assertThat(y.shape()).isEqualTo(Shape.of(2, 3, 2, 2));
        assertThat(y.toArray()).containsExactly(1, 2, 3, 4, 0, 1, 1, 0, 1, 1, 1, 1,
                2, 4, 6, 8, 0, 2, 2, 0, 2, 2, 2, 2);
    }

    @Test
    void sharedWeightGradientSumsOverEveryRowOfEveryBatch() {
        Tensor x = Tensor.ones(4, 3, 2);
        Tensor w = Tensor.zeros(2, 5).requiresGrad(true);
        x.matmul(w).sum().backward();
        assertThat(w.grad().shape()).isEqualTo(Shape.of(2, 5));
        assertThat(w.grad().toArray()).containsOnly(12f);
    }
}
