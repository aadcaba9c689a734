package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ops that move values without arithmetic: transpose, permute, reshape, slice, concat, broadcastTo. */
class LayoutOpsTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void transposeGradient(long seed) {
        Rng rng = new Rng(seed);
        Tensor x = new RandomTensors(rng).normal(1, new RandomShapes(rng).shape(2, 4));
        GradCheck.of("transpose", seed).check(in -> in.get(0).transpose(), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void transposeOfTwoAxesGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(1, 4);
        int a = shapes.axis(dims.length);
        int b = shapes.axis(dims.length);
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("transpose(" + a + ", " + b + ")", seed).check(in -> in.get(0).transpose(a, b), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void permuteGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(0, 4);
        int[] axes = shapes.permutation(dims.length);
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("permute" + Arrays.toString(axes), seed).check(in -> in.get(0).permute(axes), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void reshapeGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(0, 4);
        int[] target = regroup(shapes, dims);
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("reshape to " + Arrays.toString(target), seed)
                .check(in -> in.get(0).reshape(target).mul(in.get(0).reshape(target)), List.of(x));
    }

    /** Another shape with the same element count: the factors of {@code dims} regrouped, maybe one as −1. */
    private static int[] regroup(RandomShapes shapes, int[] dims) {
        List<Integer> factors = new ArrayList<>();
        for (int d : dims) {
            if (d == 4) {
                factors.add(2);
                factors.add(2);
            } else if (d > 1) {
                factors.add(d);
            }
        }
        int[] order = shapes.permutation(factors.size());
        int rank = shapes.between(factors.isEmpty() ? 0 : 1, factors.size() + 1);
        int[] target = new int[rank];
        Arrays.fill(target, 1);
        for (int i = 0; i < order.length; i++) {
            target[shapes.between(0, rank - 1)] *= factors.get(order[i]);
        }
        if (rank > 0 && shapes.coin()) {
            target[shapes.between(0, rank - 1)] = -1;
        }
        return target;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void sliceGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(1, 4);
        int axis = shapes.axis(dims.length);
        int n = dims[Math.floorMod(axis, dims.length)];
        int start = shapes.between(0, n - 1);
        int end = shapes.between(start + 1, n);
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("slice(" + axis + ", " + start + ", " + end + ")", seed)
                .check(in -> in.get(0).slice(axis, start, end), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void concatGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        RandomTensors values = new RandomTensors(rng);
        int[] dims = shapes.shape(1, 3);
        int axis = shapes.axis(dims.length);
        List<Tensor> parts = new ArrayList<>();
        for (int i = shapes.between(1, 3); i > 0; i--) {
            dims[Math.floorMod(axis, dims.length)] = shapes.dim();
            parts.add(values.normal(1, dims));
        }
        GradCheck.of("concat on axis " + axis, seed).check(in -> Tensor.concat(in, axis), parts);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void concatOfATensorWithItselfSumsBothGradients(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(1, 3);
        int axis = shapes.axis(dims.length);
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("concat(x, x)", seed).check(in -> Tensor.concat(List.of(in.get(0), in.get(0)), axis), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void broadcastToGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] full = shapes.shape(0, 4);
        int[] dims = shapes.broadcastableTo(full);
        Tensor x = new RandomTensors(rng).normal(1, dims);
        GradCheck.of("broadcastTo " + Shape.of(full), seed).check(in -> in.get(0).broadcastTo(full), List.of(x));
    }

    @Test
    void transposeSwapsTheLastTwoAxes() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        assertThat(x.transpose().shape()).isEqualTo(Shape.of(3, 2));
        assertThat(x.transpose().toArray()).containsExactly(0, 3, 1, 4, 2, 5);
        Tensor batched = Tensor.arange(12).reshape(2, 2, 3);
        assertThat(batched.transpose().toArray()).containsExactly(0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11);
        assertThat(batched.transpose(0, -1).shape()).isEqualTo(Shape.of(3, 2, 2));
        assertThat(batched.transpose(0, -1).toArray()).containsExactly(0, 6, 3, 9, 1, 7, 4, 10, 2, 8, 5, 11);
    }

    @Test
    void permuteMovesInputAxisAxesIToOutputAxisI() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor y = x.permute(2, 0, 1);
        assertThat(y.shape()).isEqualTo(Shape.of(4, 2, 3));
        float[] xv = x.toArray();
        float[] yv = y.toArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    assertThat(yv[(i * 2 + j) * 3 + k]).isEqualTo(xv[(j * 3 + k) * 4 + i]);
                }
            }
        }
        assertThat(x.permute(-3, -2, -1).toArray()).containsExactly(xv);
    }

    @Test
    void reshapeKeepsRowMajorOrderAndInfersMinusOne() {
        Tensor x = Tensor.arange(12).reshape(3, -1);
        assertThat(x.shape()).isEqualTo(Shape.of(3, 4));
        assertThat(x.toArray()).containsExactly(Tensor.arange(12).toArray());
        assertThat(x.reshape(-1, 2, 3).shape()).isEqualTo(Shape.of(2, 2, 3));
        assertThat(Tensor.ones(1, 1).reshape().shape()).isEqualTo(Shape.scalar());
        assertThat(Tensor.scalar(5).reshape(1, -1, 1).shape()).isEqualTo(Shape.of(1, 1, 1));
        assertThat(Tensor.zeros(0, 3).reshape(3, 0).shape()).isEqualTo(Shape.of(3, 0));
    }

    @Test
    void sliceTakesAHalfOpenRange() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        assertThat(x.slice(0, 1, 3).toArray()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(x.slice(-1, 1, 3).toArray()).containsExactly(1, 2, 5, 6, 9, 10);
        assertThat(x.slice(1, 2, 2).shape()).isEqualTo(Shape.of(3, 0));
        assertThat(x.slice(1, 0, 4).toArray()).containsExactly(x.toArray());
    }

    @Test
    void sliceGradientIsZeroOutsideTheRange() {
        Tensor x = Tensor.zeros(2, 4).requiresGrad(true);
        x.slice(1, 1, 3).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(0, 1, 1, 0, 0, 1, 1, 0);
    }

    @Test
    void concatJoinsAlongTheGivenAxis() {
        Tensor a = Tensor.arange(4).reshape(2, 2);
        Tensor b = Tensor.fromArray(new float[] {9, 8}, 2, 1);
        assertThat(Tensor.concat(List.of(a, b), 1).toArray()).containsExactly(0, 1, 9, 2, 3, 8);
        assertThat(Tensor.concat(List.of(a, b), -1).shape()).isEqualTo(Shape.of(2, 3));
        Tensor c = Tensor.fromArray(new float[] {7, 6}, 1, 2);
        assertThat(Tensor.concat(List.of(c, a, c), 0).toArray()).containsExactly(7, 6, 0, 1, 2, 3, 7, 6);
        assertThat(Tensor.concat(List.of(a), 0).toArray()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void broadcastToRepeatsAlongSizeOneAndNewLeadingAxes() {
        Tensor col = Tensor.fromArray(new float[] {1, 2}, 2, 1);
        assertThat(col.broadcastTo(2, 2, 3).toArray()).containsExactly(1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2);
        assertThat(Tensor.scalar(4).broadcastTo(2).toArray()).containsExactly(4, 4);
        Tensor x = Tensor.zeros(2, 1).requiresGrad(true);
        x.broadcastTo(3, 2, 4).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(12, 12);
    }
}
