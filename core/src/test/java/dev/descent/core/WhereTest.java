package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** where(cond, a, b) and maskedFill(x, mask, value), all operands broadcast. */
class WhereTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void whereGradientWithBroadcasting(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] full = shapes.shape(0, 3);
        RandomTensors values = new RandomTensors(rng);
        Tensor cond = values.mask(shapes.broadcastableTo(full));
        Tensor a = values.normal(1, shapes.broadcastableTo(full));
        Tensor b = values.normal(1, shapes.broadcastableTo(full));
        GradCheck.of("where, cond " + cond.shape(), seed)
                .check(in -> Functional.where(cond, in.get(0), in.get(1)), List.of(a, b));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void maskedFillGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] dims = shapes.shape(0, 3);
        RandomTensors values = new RandomTensors(rng);
        Tensor mask = values.mask(shapes.broadcastableTo(dims));
        Tensor x = values.normal(1, dims);
        GradCheck.of("maskedFill, mask " + mask.shape(), seed)
                .check(in -> Functional.maskedFill(in.get(0), mask, -3.5f), List.of(x));
    }

    @Test
    void whereTakesAWhereTheConditionIsNonZero() {
        Tensor cond = Tensor.fromArray(new float[] {1, 0, 2, 0});
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4});
        Tensor b = Tensor.fromArray(new float[] {-1, -2, -3, -4});
        assertThat(Functional.where(cond, a, b).toArray()).containsExactly(1, -2, 3, -4);
    }

    @Test
    void whereBroadcastsAllThreeOperands() {
        Tensor cond = Tensor.fromArray(new float[] {1, 0}, 2, 1);
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3}, 1, 3);
        Tensor y = Functional.where(cond, a, Tensor.scalar(9));
        assertThat(y.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(y.toArray()).containsExactly(1, 2, 3, 9, 9, 9);
    }

    @Test
    void whereGradientGoesToTheChosenBranchOnly() {
        Tensor cond = Tensor.fromArray(new float[] {1, 0, 1});
        Tensor a = Tensor.zeros(3).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);
        Functional.where(cond, a, b).sum().backward();
        assertThat(a.grad().toArray()).containsExactly(1, 0, 1);
        assertThat(b.grad().toArray()).containsExactly(1);
    }

    /** The causal mask of attention: −∞ above the diagonal, then softmax spreads each row over its past. */
    @Test
    void causalMaskThenSoftmax() {
        Tensor scores = Tensor.zeros(3, 3);
        Tensor upper = Tensor.fromArray(new float[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 3);
        Tensor masked = Functional.maskedFill(scores, upper, Float.NEGATIVE_INFINITY);
        assertThat(masked.toArray()).containsExactly(0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                0, 0, Float.NEGATIVE_INFINITY, 0, 0, 0);
        assertThat(masked.softmax().toArray()).containsExactly(new float[] {
                1, 0, 0, 0.5f, 0.5f, 0, 1f / 3, 1f / 3, 1f / 3}, within(1e-7f));
    }

    @Test
    void maskedPositionsGetNoGradient() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        Tensor mask = Tensor.fromArray(new float[] {0, 1}, 2);
        Functional.maskedFill(x, mask, -1e9f).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(1, 0, 1, 0);
    }
}
