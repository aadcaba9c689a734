package dev.descent.lessons.momentum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class MomentumTest {
    private static final int STEPS = 1000;

    @Test
    @Tag("exercise")
    void momentumReachesTheMinimumInFewerSteps() {
        int plain = Main.VALLEY.stepsToStayBelow(Main.handMomentum(Main.VALLEY, Main.START, Main.LR, 0, false, STEPS),
                Main.TOLERANCE);
        int bestPlain = Main.VALLEY.stepsToStayBelow(
                Main.handMomentum(Main.VALLEY, Main.START, 0.019f, 0, false, STEPS), Main.TOLERANCE);
        int heavyBall = Main.VALLEY.stepsToStayBelow(
                Main.handMomentum(Main.VALLEY, Main.START, Main.LR, Main.MU, false, STEPS), Main.TOLERANCE);
        int nesterov = Main.VALLEY.stepsToStayBelow(
                Main.handMomentum(Main.VALLEY, Main.START, Main.LR, Main.MU, true, STEPS), Main.TOLERANCE);
        assertThat(heavyBall).isPositive();
        assertThat(plain).isGreaterThan(4 * heavyBall);
        assertThat(bestPlain).isGreaterThan(2 * heavyBall);
        assertThat(nesterov).isPositive().isLessThan(heavyBall);
    }

    @Test
    @Tag("exercise")
    void aPlainStepCrossesTheNarrowDirectionButBarelyMovesAlongTheFloor() {
        List<float[]> plain = Main.handMomentum(Main.VALLEY, Main.START, Main.LR, 0, false, 10);
        // Per step, y is multiplied by 1 − 100·lr = −0.2 and x by 1 − lr = 0.988.
        assertThat(plain.get(1)[1]).isCloseTo(-0.2f, within(1e-6f));
        assertThat(plain.get(10)[0]).isCloseTo((float) (-10 * Math.pow(0.988, 10)), within(1e-4f));
    }

    @Test
    @Tag("exercise")
    void onAConstantSlopeMomentumStepsGrowToOneOverOneMinusMu() {
        assertThat(Main.speedUpOnASlope(0.9f, 200)).isCloseTo(10f, within(1e-3f));
        assertThat(Main.speedUpOnASlope(0.5f, 200)).isCloseTo(2f, within(1e-4f));
        assertThat(Main.speedUpOnASlope(0.9f, 1)).isCloseTo(1f, within(1e-6f));
    }

    @Test
    @Tag("exercise")
    void handWrittenMomentumMatchesOptimSgd() {
        for (boolean nesterov : new boolean[] {false, true}) {
            List<float[]> hand = Main.handMomentum(Main.VALLEY, Main.START, Main.LR, Main.MU, nesterov, 100);
            List<float[]> optim = Main.optimSgd(Main.VALLEY, Main.START, Main.LR, Main.MU, nesterov, 100);
            assertThat(hand).hasSameSizeAs(optim);
            for (int t = 0; t < hand.size(); t++) {
                assertThat(hand.get(t)).as("nesterov %s, step %d", nesterov, t).containsExactly(optim.get(t));
            }
        }
    }
}
