package dev.descent.lessons.weightdecay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Tensor;
import dev.descent.lessons.Objective;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class WeightDecayTest {
    private static final int STEPS = 1000;
    // The long runs, made once and shared by the tests below.
    private static final List<float[]> SGD = Main.handSgd(Main.START, Main.LR, 0, STEPS);
    private static final List<float[]> SGD_L2 = Main.handSgd(Main.START, Main.LR, Main.LAMBDA, STEPS);
    private static final List<float[]> ADAM = Main.handAdam(Main.START, Main.LR, 0, false, STEPS);
    private static final List<float[]> ADAM_L2 = Main.handAdam(Main.START, Main.LR, Main.LAMBDA, false, STEPS);
    private static final List<float[]> ADAM_W = Main.handAdam(Main.START, Main.LR, Main.LAMBDA, true, STEPS);

    private static float[] last(List<float[]> path) {
        return path.get(path.size() - 1);
    }

    @Test
    @Tag("exercise")
    void weightDecayShrinksTheNorm() {
        double sgd = Main.norm(last(SGD));
        double sgdL2 = Main.norm(last(SGD_L2));
        double adam = Main.norm(last(ADAM));
        double adamL2 = Main.norm(last(ADAM_L2));
        double adamW = Main.norm(last(ADAM_W));
        assertThat(sgd).isCloseTo(Math.sqrt(3), within(1e-4));
        assertThat(adam).isCloseTo(Math.sqrt(3), within(1e-4));
        assertThat(sgdL2).isLessThan(sgd - 0.2);
        assertThat(adamL2).isLessThan(adam - 0.2);
        assertThat(adamW).isLessThan(adam - 0.2);
    }

    @Test
    void sgdAndAdamWithL2SettleAtTheMinimumOfThePenalizedLoss() {
        double[] minimum = Main.penalizedMinimum(Main.LAMBDA);
        float[] sgd = last(SGD_L2);
        float[] adam = last(ADAM_L2);
        for (int i = 0; i < 2; i++) {
            assertThat((double) sgd[i]).isCloseTo(minimum[i], within(1e-4));
            assertThat((double) adam[i]).isCloseTo(minimum[i], within(1e-4));
        }
        assertThat(minimum[1]).isCloseTo(1 / 1.1, within(1e-12));
    }

    @Test
    @Tag("exercise")
    void forSgdTheL2PenaltyIsTheSameAsShrinkingTheWeights() {
        // w − lr·(∇f + λw) = w·(1 − lr·λ) − lr·∇f, checked on one step from an arbitrary point.
        float[] point = {0.3f, -2f, 5f};
        float[] l2 = last(Main.handSgd(point, Main.LR, Main.LAMBDA, 1));
        Tensor w = Tensor.fromArray(point);
        float[] shrunk = w.mul((float) (1 - Main.LR * Main.LAMBDA)).sub(Main.LOSS.gradient(w).mul((float) Main.LR))
                .toArray();
        for (int i = 0; i < 3; i++) {
            assertThat(l2[i]).isCloseTo(shrunk[i], within(1e-6f));
        }
    }

    @Test
    @Tag("exercise")
    void adamWDecaysEveryWeightAtTheSameRate() {
        float[] rate = Main.decayThisStepOverLrLambda(Main.adamAfter(50, Main.LAMBDA, true), Main.LR, Main.LAMBDA,
                true);
        for (float r : rate) {
            assertThat(r).isCloseTo(1f, within(1e-3f));
        }
        // The unused weight gets no gradient, so AdamW (like SGD) shrinks it by exactly (1 − lr·λ) per step.
        double expected = Math.pow(1 - Main.LR * Main.LAMBDA, STEPS);
        assertThat((double) last(ADAM_W)[2]).isCloseTo(expected, within(1e-4));
        assertThat((double) last(SGD_L2)[2]).isCloseTo(expected, within(1e-4));
    }

    @Test
    void adamsL2PenaltyIsRescaledPerParameter() {
        float[] rate = Main.decayThisStepOverLrLambda(Main.adamAfter(50, Main.LAMBDA, false), Main.LR, Main.LAMBDA,
                false);
        // Divided by √v̂: the steep weight (large gradients) is barely decayed, the unused one the most.
        assertThat(rate[0]).isLessThan(0.01f);
        assertThat(rate[1]).isBetween(0.05f, 0.5f);
        assertThat(rate[2]).isGreaterThan(1f);
        // With no loss gradient, g = λw and m̂/√v̂ ≈ sign(w): the unused weight's path does not depend on λ.
        List<float[]> big = Main.handAdam(Main.START, Main.LR, 0.1, false, 150);
        List<float[]> small = Main.handAdam(Main.START, Main.LR, 0.01, false, 150);
        for (int t = 0; t <= 150; t++) {
            assertThat(small.get(t)[2]).isCloseTo(big.get(t)[2], within(1e-5f));
        }
        assertThat(big.get(150)[2]).isLessThan(0.1f);
    }

    @Test
    @Tag("exercise")
    void adamWDoesNotHoldUsedWeightsAtABalance() {
        // At step 2000 both used weights stand at 0.9919, but that is no equilibrium: they keep rising towards 1
        // and end up swinging within a few thousandths of it.
        List<float[]> path = Main.adamWLongPath(Main.LAMBDA);
        float[][] run = Main.adamWLongRun(path);
        for (int i = 0; i < 2; i++) {
            for (int k = 1; k < run.length; k++) {
                assertThat(run[k][i]).as("weight %d at step %d", i, Main.LONG_RUN[k]).isGreaterThan(run[k - 1][i]);
            }
            assertThat(run[0][i]).isLessThan(0.995f);
            assertThat(run[run.length - 1][i]).isGreaterThan(0.9998f);
        }
        assertThat(Main.largestDistanceToOne(path, Main.SETTLED)).isLessThan(0.005);
    }

    @Test
    void decayClosesTheGapBetweenTrainingAndValidation() {
        NoisyRegression data = NoisyRegression.draw(Main.REGRESSION_SEED);
        Main.Fit sgd = Main.fit(data, false, Main.REGRESSION_SGD_LR, 0, Main.REGRESSION_STEPS);
        Main.Fit sgdDecayed = Main.fit(data, false, Main.REGRESSION_SGD_LR, 0.3, Main.REGRESSION_STEPS);
        Main.Fit sgdStrong = Main.fit(data, false, Main.REGRESSION_SGD_LR, 3, Main.REGRESSION_STEPS);
        // Without decay the fit follows the training noise: training far below the noise variance 1, validation far above.
        assertThat(sgd.training()).isLessThan(0.5);
        assertThat(sgd.validation()).isGreaterThan(2);
        assertThat(sgdDecayed.gap()).isLessThan(sgd.gap() * 0.7);
        assertThat(sgdStrong.gap()).isLessThan(sgdDecayed.gap());
        assertThat(sgdDecayed.validation()).isLessThan(sgd.validation() - 0.5);
        assertThat(sgdDecayed.training()).isGreaterThan(sgd.training());
        // AdamW closes it too, but λ = 0.1 barely moves it here and λ = 3 is needed.
        Main.Fit adamW = Main.fit(data, true, Main.REGRESSION_ADAMW_LR, 0, Main.REGRESSION_STEPS);
        Main.Fit adamWUsual = Main.fit(data, true, Main.REGRESSION_ADAMW_LR, 0.1, Main.REGRESSION_STEPS);
        Main.Fit adamWStrong = Main.fit(data, true, Main.REGRESSION_ADAMW_LR, 3, Main.REGRESSION_STEPS);
        assertThat(adamWUsual.validation()).isCloseTo(adamW.validation(), within(0.1));
        assertThat(adamWStrong.gap()).isLessThan(adamW.gap() * 0.6);
        assertThat(adamWStrong.validation()).isLessThan(adamW.validation() - 0.5);
    }

    @Test
    @Tag("exercise")
    void handWrittenDecayMatchesOptim() {
        int steps = 200;
        assertThat(Objective.maxDifference(Main.handSgd(Main.START, Main.LR, Main.LAMBDA, steps),
                Main.optimSgd(Main.LR, Main.LAMBDA, steps))).isZero();
        assertThat(Objective.maxDifference(Main.handAdam(Main.START, Main.LR, Main.LAMBDA, false, steps),
                Main.optimAdam(Main.LR, Main.LAMBDA, steps))).isLessThan(1e-5f);
        assertThat(Objective.maxDifference(Main.handAdam(Main.START, Main.LR, Main.LAMBDA, true, steps),
                Main.optimAdamW(Main.LR, Main.LAMBDA, steps))).isLessThan(1e-5f);
    }
}
