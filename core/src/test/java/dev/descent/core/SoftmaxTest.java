package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Softmax and log-softmax over the last axis. */
class SoftmaxTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void softmaxGradient(long seed) {
        Rng rng = new Rng(seed);
        Tensor x = new RandomTensors(rng).normal(2, new RandomShapes(rng).shape(1, 3));
        GradCheck.of("softmax", seed).check(in -> in.get(0).softmax(), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void logSoftmaxGradient(long seed) {
        Rng rng = new Rng(seed);
        Tensor x = new RandomTensors(rng).normal(2, new RandomShapes(rng).shape(1, 3));
        GradCheck.of("logSoftmax", seed).check(in -> in.get(0).logSoftmax(), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void rowsArePositiveAndSumToOneAndLogSoftmaxIsTheirLog(long seed) {
        Rng rng = new Rng(seed);
        int[] dims = new RandomShapes(rng).shape(1, 4);
        Tensor x = new RandomTensors(rng).normal(10, dims);
        Tensor p = x.softmax();
        assertThat(p.shape()).isEqualTo(x.shape());
        Tensor rowSums = p.sum(-1, false);
        assertThat(rowSums.toArray()).containsExactly(Tensor.ones(rowSums.shape().dims()).toArray(), within(1e-5f));
        float[] logP = x.logSoftmax().toArray();
        float[] pv = p.toArray();
        for (int i = 0; i < pv.length; i++) {
            assertThat(pv[i]).isBetween(0f, 1f);
            assertThat(Math.exp(logP[i])).isCloseTo(pv[i], within(1e-6));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void addingAConstantToARowChangesNothing(long seed) {
        Rng rng = new Rng(seed);
        int[] dims = new RandomShapes(rng).shape(1, 3);
        Tensor x = new RandomTensors(rng).normal(3, dims);
        assertThat(x.add(500).softmax().toArray()).containsExactly(x.softmax().toArray(), within(1e-5f));
    }

    @Test
    void softmaxOfLogsOfOneTwoThreeIsOneSixthOneThirdOneHalf() {
        Tensor x = Tensor.fromArray(new float[] {0, (float) Math.log(2), (float) Math.log(3)}, 1, 3);
        assertThat(x.softmax().toArray()).containsExactly(new float[] {1f / 6, 1f / 3, 0.5f}, within(1e-6f));
        assertThat(x.logSoftmax().toArray()).containsExactly(new float[] {
                (float) -Math.log(6), (float) -Math.log(3), (float) -Math.log(2)}, within(1e-6f));
    }

    @Test
    void largeLogitsStayFinite() {
        Tensor x = Tensor.fromArray(new float[] {1000, 1000, -1000, -1000, 0, 1000}, 2, 3);
        assertThat(x.softmax().toArray()).containsExactly(new float[] {0.5f, 0.5f, 0, 0, 0, 1}, within(1e-7f));
        assertThat(x.logSoftmax().toArray()).containsExactly(new float[] {
                (float) -Math.log(2), (float) -Math.log(2), -2000 - (float) Math.log(2), -2000, -1000, 0}, within(1e-3f));
    }

    @Test
    void minusInfinityGetsProbabilityZero() {
        Tensor x = Tensor.fromArray(new float[] {0, Float.NEGATIVE_INFINITY, 0});
        assertThat(x.softmax().toArray()).containsExactly(0.5f, 0, 0.5f);
    }

    @Test
    void aSingleClassHasProbabilityOneAndNoGradient() {
        Tensor x = Tensor.fromArray(new float[] {3, -7}, 2, 1).requiresGrad(true);
        assertThat(x.softmax().toArray()).containsExactly(1, 1);
        x.softmax().mul(Tensor.fromArray(new float[] {2, 5}, 2, 1)).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(0, 0);
    }

    /** d softmax_i / d x_j = p_i(δ_ij − p_j): for p = (1/2, 1/2) and L = p_0, dL/dx = (1/4, −1/4). */
    @Test
    void gradientOfOneProbability() {
        Tensor x = Tensor.zeros(2).requiresGrad(true);
        x.softmax().slice(0, 0, 1).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(new float[] {0.25f, -0.25f}, within(1e-7f));
    }
}
