package dev.descent.lessons.learningrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class LearningRateTest {
    private final Main.Problem problem = Main.Problem.make(Main.SEED);
    private final double[] lambda = problem.eigenvalues();

    /** excess_{t+1}/excess_t at the end of a run: the squared per-step factor of the slowest direction. */
    private static double lastRatio(double[] curve) {
        return curve[curve.length - 1] / curve[curve.length - 2];
    }

    @Test
    @Tag("exercise")
    void tooLowLearningRateIsSlow() {
        double lr = 0.05 * problem.criticalLr();
        double[] slow = Main.excessLossCurve(problem, lr, Main.STEPS);
        double[] best = Main.excessLossCurve(problem, problem.bestLr(), Main.STEPS);
        assertThat(slow[Main.STEPS]).isLessThan(slow[0]).isGreaterThan(1e5 * best[Main.STEPS]);
        // It crawls along the shallow direction: the error shrinks by (1 − η·λ_min) per step, the loss by its square.
        assertThat(lastRatio(slow)).isCloseTo(Math.pow(1 - lr * lambda[0], 2), within(1e-3));
    }

    @Test
    @Tag("exercise")
    void highLearningRateDiverges() {
        double lr = 1.05 * problem.criticalLr();
        double[] curve = Main.excessLossCurve(problem, lr, Main.STEPS);
        for (int t = 5; t <= Main.STEPS; t++) {
            assertThat(curve[t]).as("excess loss at step %d", t).isGreaterThan(curve[t - 1]);
        }
        assertThat(curve[Main.STEPS]).isGreaterThan(1e4 * curve[0]);
        // The steep direction overshoots: its error is multiplied by (1 − η·λ_max) = −1.1 each step.
        assertThat(lastRatio(curve)).isCloseTo(Math.pow(1 - lr * lambda[1], 2), within(1e-3));
    }

    @Test
    @Tag("exercise")
    void justBelowTheCriticalLearningRateStillConverges() {
        double lr = 0.95 * problem.criticalLr();
        double[] curve = Main.excessLossCurve(problem, lr, Main.STEPS);
        assertThat(curve[Main.STEPS]).isLessThan(1e-5 * curve[0]);
        assertThat(lastRatio(curve)).isCloseTo(Math.pow(1 - lr * lambda[1], 2), within(1e-3));
    }

    @Test
    @Tag("exercise")
    void sweepIsBestNearTwoOverLambdaMinPlusLambdaMaxAndDivergesPastTwoOverLambdaMax() {
        double[] ratios = Main.sweepRatios();
        double[] finals = Main.sweep(problem, ratios);
        int best = 0;
        for (int i = 1; i < ratios.length; i++) {
            if (finals[i] < finals[best]) {
                best = i;
            }
        }
        assertThat(ratios[best]).isCloseTo(problem.bestLr() / problem.criticalLr(), within(0.1));
        for (int i = 0; i < ratios.length; i++) {
            if (ratios[i] > 1.001) {
                assertThat(finals[i]).as("excess loss at %.2f x critical", ratios[i]).isGreaterThan(finals[0]);
            }
        }
    }
}
