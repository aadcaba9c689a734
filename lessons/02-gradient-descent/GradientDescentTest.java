package dev.descent.lessons.gradientdescent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class GradientDescentTest {
    @Test
    @Tag("exercise")
    void gradientDescentReachesTheMinimumOfAParabola() {
        double[] xs = Main.descend1d(0, 0.1, 50);
        assertThat(xs[50]).isCloseTo(3.0, within(1e-4));
        // The error shrinks by exactly (1 - 2·lr) per step.
        assertThat(3 - xs[10]).isCloseTo(3 * Math.pow(0.8, 10), within(1e-12));
    }

    @Test
    @Tag("exercise")
    void theSteepDirectionConvergesFirstOnAnElongatedBowl() {
        double[][] path = Main.descend2d(10, 1, 0.04, 20);
        assertThat(Math.abs(path[20][1])).isLessThan(1e-3);
        assertThat(Math.abs(path[20][0])).isGreaterThan(0.1);
    }

    @Test
    @Tag("exercise")
    void handDerivativeAgreesWithAutograd() {
        float[] auto = Main.autogradGradient(1.5f, -0.5f);
        double[] byHand = Derivatives.bowl(1.5, -0.5);
        assertThat((double) auto[0]).isCloseTo(byHand[0], within(1e-6)).isCloseTo(3.0, within(1e-6));
        assertThat((double) auto[1]).isCloseTo(byHand[1], within(1e-6)).isCloseTo(-10.0, within(1e-6));
    }
}
