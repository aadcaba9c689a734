package dev.descent.lessons.crossentropy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Functional;
import dev.descent.core.Tensor;
import dev.descent.lessons.crossentropy.Main.Loss;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrossEntropyTest {
    @Tag("exercise")
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void crossEntropyFromPrimitivesAgreesWithTheFramework(long seed) {
        int n = 6;
        int c = 7;
        float[] targets = Main.randomTargets(seed + 100, n, c);
        Tensor mine = Main.randomLogits(seed, n, c, 3).requiresGrad(true);
        Tensor theirs = Main.randomLogits(seed, n, c, 3).requiresGrad(true);
        Tensor lossMine = CrossEntropy.mean(mine, Main.oneHot(targets, c));
        Tensor lossTheirs = Functional.crossEntropy(theirs, Tensor.fromArray(targets, n));
        assertThat(lossMine.item()).isCloseTo(lossTheirs.item(), within(1e-5f));
        lossMine.backward();
        lossTheirs.backward();
        assertThat(mine.grad().toArray()).containsExactly(theirs.grad().toArray(), within(1e-6f));
    }

    @Tag("exercise")
    @Test
    void gradientIsSoftmaxMinusOneHot() {
        float[] logits = Main.randomLogits(5, 3, 4, 2).toArray();
        float[] targets = {2, 0, 3};
        assertThat(Main.gradient(Loss.CROSS_ENTROPY, logits, targets, 4))
                .containsExactly(Main.softmaxMinusOneHot(logits, targets, 4), within(1e-6f));
    }

    @Tag("exercise")
    @ParameterizedTest
    @ValueSource(ints = {2, 10, 100})
    void uniformLogitsGiveLogC(int classes) {
        Tensor same = Tensor.full(-4.2f, 2, classes);
        float[] targets = {0, classes - 1};
        assertThat(CrossEntropy.mean(same, Main.oneHot(targets, classes)).item())
                .isCloseTo((float) Math.log(classes), within(1e-5f));
        assertThat(Main.frameworkLoss(same, targets, 0).item()).isCloseTo((float) Math.log(classes), within(1e-5f));
    }

    @Tag("exercise")
    @Test
    void logSumExpKeepsTheLossFiniteWhereLogOfSoftmaxDoesNot() {
        Tensor logits = Tensor.fromArray(new float[] {0, 200, -1000, 1000}, 2, 2);
        Tensor target = Main.oneHot(new float[] {0, 0}, 2);
        // Row losses are exactly 200 and 2000: logsumexp ≈ the larger logit, minus the target's logit.
        assertThat(CrossEntropy.mean(logits, target).item()).isEqualTo(1100f);
        assertThat(Main.frameworkLoss(logits, new float[] {0, 0}, 0).item()).isEqualTo(1100f);
        assertThat(Main.crossEntropyViaLogOfSoftmax(logits, target).item()).isInfinite();
    }

    @Test
    void squaredErrorGradientVanishesWhenConfidentlyWrongButCrossEntropyDoesNot() {
        for (float d : new float[] {5, 10, 15}) {
            double p = 1 / (1 + Math.exp(d));
            // Cross-entropy: |p − 1| → 1.   Squared error: |dL/dz₀| = 4·p·(1 − p)² → 4·e^−d.
            assertThat(Main.pushOnTheRightLogit(Loss.CROSS_ENTROPY, d)).isCloseTo(1 - p, within(1e-6));
            assertThat(Main.pushOnTheRightLogit(Loss.SQUARED_ERROR, d))
                    .isCloseTo(4 * p * (1 - p) * (1 - p), within(1e-6 * p + 1e-9));
        }
        assertThat(Main.pushOnTheRightLogit(Loss.CROSS_ENTROPY, 10)).isGreaterThan(0.9999);
        assertThat(Main.pushOnTheRightLogit(Loss.SQUARED_ERROR, 10)).isLessThan(2e-4);
    }

    @Test
    void crossEntropyRescuesAConfidentlyWrongPredictionAndSquaredErrorDoesNot() {
        double[] ce = Main.rescue(Loss.CROSS_ENTROPY, 10, 1, 100);
        double[] mse = Main.rescue(Loss.SQUARED_ERROR, 10, 1, 100);
        assertThat(ce[0]).isLessThan(1e-4);
        assertThat(ce[10]).isGreaterThan(0.9);
        assertThat(ce[100]).isGreaterThan(0.99);
        assertThat(mse[100]).isLessThan(1e-4);
    }

    @Tag("exercise")
    @ParameterizedTest
    @ValueSource(floats = {0.05f, 0.1f, 0.3f})
    void labelSmoothingAgreesWithCrossEntropyLoss(float eps) {
        int n = 5;
        int c = 6;
        float[] targets = Main.randomTargets(9, n, c);
        Tensor mine = Main.randomLogits(8, n, c, 2).requiresGrad(true);
        Tensor theirs = Main.randomLogits(8, n, c, 2).requiresGrad(true);
        Tensor q = Main.smoothedTarget(Main.oneHot(targets, c), eps);
        Tensor lossMine = CrossEntropy.mean(mine, q);
        Tensor lossTheirs = Main.frameworkLoss(theirs, targets, eps);
        assertThat(lossMine.item()).isCloseTo(lossTheirs.item(), within(1e-5f));
        lossMine.backward();
        lossTheirs.backward();
        // With smoothing the gradient is (p − q)/N, q = (1 − ε)·onehot + ε/C.
        float[] expected = mine.detach().softmax().sub(q).div(n).toArray();
        assertThat(mine.grad().toArray()).containsExactly(expected, within(1e-6f));
        assertThat(theirs.grad().toArray()).containsExactly(expected, within(1e-6f));
    }
}
