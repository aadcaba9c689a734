package dev.descent.lessons.adam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.optim.Adam;
import dev.descent.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AdamTest {
    private static final double LR = 0.01;

    @Test
    @Tag("exercise")
    void biasCorrectionMakesTheFirstStepsFullSize() {
        Main.Run corrected = Main.handAdam(Main.SLOPE, Main.SLOPE_START, LR, Main.BETA1, Main.BETA2, Main.EPS, true, 100);
        Main.Run uncorrected = Main.handAdam(Main.SLOPE, Main.SLOPE_START, LR, Main.BETA1, Main.BETA2, Main.EPS, false,
                100);
        for (int t = 1; t <= 100; t++) {
            for (int i = 0; i < 2; i++) {
                assertThat(Main.stepSize(corrected.path(), t, i) / LR).as("step %d", t).isCloseTo(1.0, within(1e-3));
                assertThat(Main.stepSize(uncorrected.path(), t, i) / LR).as("step %d", t)
                        .isCloseTo(Main.uncorrectedStepOverLr(Main.BETA1, Main.BETA2, t), within(2e-3));
            }
        }
        // Uncorrected, the ratio m/√v is distorted: too large with β2 = 0.999, too small with GPT's β2 = 0.95.
        assertThat(Main.uncorrectedStepOverLr(0.9, 0.999, 1)).isCloseTo(Math.sqrt(10), within(1e-12));
        assertThat(Main.uncorrectedStepOverLr(0.9, 0.95, 1)).isCloseTo(1 / Math.sqrt(5), within(1e-12));
    }

    @Test
    @Tag("exercise")
    void correctedAveragesEqualAConstantGradientFromTheFirstStep() {
        Main.Run run = Main.handAdam(Main.SLOPE, Main.SLOPE_START, LR, Main.BETA1, Main.BETA2, Main.EPS, true, 20);
        for (int t = 1; t <= 20; t++) {
            Main.Moments m = run.moments().get(t - 1);
            // The raw mean is pulled towards its zero start: m_t = (1 − β1^t)·g.
            assertThat(m.m()[1]).isCloseTo((float) ((1 - Math.pow(0.9, t)) * 100), within(1e-3f));
            assertThat(m.mHat()[0]).isCloseTo(1f, within(1e-5f));
            assertThat(m.mHat()[1]).isCloseTo(100f, within(1e-3f));
            assertThat(m.vHat()[0]).isCloseTo(1f, within(1e-4f));
            assertThat(m.vHat()[1]).isCloseTo(10_000f, within(1f));
        }
    }

    @Test
    @Tag("exercise")
    void handWrittenAdamMatchesOptimAdam() {
        List<float[]> hand = Main.handAdam(Main.VALLEY, Main.VALLEY_START, 0.3, Main.BETA1, Main.BETA2, Main.EPS, true,
                200).path();
        List<float[]> optim = Main.optimAdam(Main.VALLEY, Main.VALLEY_START, 0.3, 200);
        assertThat(hand).hasSameSizeAs(optim);
        for (int t = 0; t < hand.size(); t++) {
            for (int i = 0; i < 2; i++) {
                // The framework folds both corrections into scalars (lr/bc1, 1/√bc2): same maths, other rounding.
                assertThat(hand.get(t)[i]).as("step %d", t).isCloseTo(optim.get(t)[i], within(1e-5f));
            }
        }
    }

    @Test
    void adamReachesTheMinimumAcrossATenfoldRangeOfRates() {
        int sgd = Main.VALLEY.stepsToStayBelow(Main.VALLEY.descend(Main.VALLEY_START,
                params -> new SGD(params).lr(0.019), 600), Main.TOLERANCE);
        assertThat(sgd).isPositive();
        for (double lr : new double[] {0.1, 0.3, 1.0}) {
            int adam = Main.VALLEY.stepsToStayBelow(Main.VALLEY.descend(Main.VALLEY_START,
                    params -> new Adam(params).lr(lr).betas(Main.BETA1, Main.BETA2).eps(Main.EPS), 600), Main.TOLERANCE);
            assertThat(adam).as("lr %s", lr).isPositive().isLessThan(sgd);
        }
    }

    @Test
    void rmsPropsFastFinishHereRestsOnYUnderflowingToZero() {
        float[] late = Main.rmsPropYAndItsRate(400);
        assertThat(late[0]).isZero();
        assertThat(late[1]).isGreaterThan(2f);
    }
}
