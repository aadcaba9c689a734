package dev.descent.lessons.rmsprop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class RmsPropTest {

    @Test
    @Tag("exercise")
    void rmsPropTakesEqualStepsInSteepAndShallowDirections() {
        List<float[]> gd = Main.gradientDescent(Main.VALLEY, Main.START, Main.GD_LR, 1);
        assertThat(Main.stepSize(gd, 1, 1) / Main.stepSize(gd, 1, 0)).isCloseTo(100f, within(1e-3f));

        Main.Run rms = Main.handRmsProp(Main.VALLEY, Main.START, Main.LR, Main.ALPHA, Main.EPS, 100);
        for (int t = 1; t <= 100; t++) {
            float dx = Main.stepSize(rms.path(), t, 0);
            float dy = Main.stepSize(rms.path(), t, 1);
            assertThat(dy).as("step %d", t).isCloseTo(dx, within(1e-5f * dx));
            // The root mean square is 100 times larger in y: each coordinate's rate is lr/rms, 100 times smaller.
            float[] root = rms.rootMeanSquare().get(t - 1);
            assertThat(root[1] / root[0]).as("step %d", t).isCloseTo(100f, within(1e-2f));
        }
    }

    @Test
    @Tag("exercise")
    void theFirstStepIsLrOverRootOfOneMinusAlphaInEveryCoordinate() {
        // v₁ = (1 − α)·g², so g/√v₁ = sign(g)/√(1 − α) whatever the size of g.
        for (double alpha : new double[] {0.9, 0.99}) {
            Main.Run rms = Main.handRmsProp(Main.VALLEY, Main.START, Main.LR, alpha, Main.EPS, 1);
            double expected = Main.LR / Math.sqrt(1 - alpha);
            assertThat((double) Main.stepSize(rms.path(), 1, 0)).isCloseTo(expected, within(1e-6));
            assertThat((double) Main.stepSize(rms.path(), 1, 1)).isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    @Tag("exercise")
    void rmsPropReachesTheMinimumInFewerStepsThanGradientDescent() {
        int gd = Main.stepsToReach(Main.gradientDescent(Main.VALLEY, Main.START, Main.GD_LR, 300), Main.TOLERANCE);
        int rms = Main.stepsToReach(Main.handRmsProp(Main.VALLEY, Main.START, Main.LR, Main.ALPHA, Main.EPS, 300).path(),
                Main.TOLERANCE);
        assertThat(rms).isPositive();
        assertThat(gd).isGreaterThan(2 * rms);
    }

    @Test
    @Tag("exercise")
    void handWrittenRmsPropMatchesOptimRmsProp() {
        List<float[]> hand = Main.handRmsProp(Main.VALLEY, Main.START, Main.LR, Main.ALPHA, Main.EPS, 100).path();
        List<float[]> optim = Main.optimRmsProp(Main.VALLEY, Main.START, Main.LR, Main.ALPHA, Main.EPS, 100);
        assertThat(hand).hasSameSizeAs(optim);
        for (int t = 0; t < hand.size(); t++) {
            assertThat(hand.get(t)).as("step %d", t).containsExactly(optim.get(t));
        }
    }
}
