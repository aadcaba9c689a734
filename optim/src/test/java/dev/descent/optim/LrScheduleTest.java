package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backends;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning-rate schedules against their closed forms, PyTorch's documented values and PyTorch's recursion. */
class LrScheduleTest {
    static final double MAX = 6e-4;
    static final double MIN = 6e-5;
    static final long WARMUP = 10;
    static final long LAST = 50;

    /** min + ½(max − min)(1 + cos(π·ratio)). */
    static double cosine(double ratio) {
        return MIN + 0.5 * (MAX - MIN) * (1 + Math.cos(Math.PI * ratio));
    }

    @Test
    void warmupCosineFollowsTheBuildNanogptFormulaAndIsClampedAfterTheLastStep() {
        LrSchedule s = LrSchedule.warmupCosine(MAX, MIN, WARMUP, LAST);
        assertThat(s.lr(0)).isCloseTo(MAX / WARMUP, within(1e-18));
        assertThat(s.lr(4)).isCloseTo(MAX * 5 / WARMUP, within(1e-18));
        assertThat(s.lr(WARMUP - 1)).isCloseTo(MAX, within(1e-18));
        assertThat(s.lr(WARMUP)).isCloseTo(MAX, within(1e-18));
        assertThat(s.lr(20)).isCloseTo(cosine(0.25), within(1e-18));
        assertThat(s.lr(30)).isCloseTo(0.5 * (MAX + MIN), within(1e-18));
        assertThat(s.lr(LAST)).isCloseTo(MIN, within(1e-18));
        assertThat(s.lr(LAST + 1)).isEqualTo(MIN);
        assertThat(s.lr(10 * LAST)).isEqualTo(MIN);
    }

    @Test
    void warmupCosineWithTheBuildNanogptConstants() {
        LrSchedule s = LrSchedule.warmupCosine(6e-4, 6e-5, 715, 19073);
        assertThat(s.lr(0)).isCloseTo(6e-4 / 715, within(1e-18));
        assertThat(s.lr(714)).isCloseTo(6e-4, within(1e-18));
        assertThat(s.lr(19073)).isCloseTo(6e-5, within(1e-18));
    }

    @Test
    void sequentialLinearThenCosineAnnealingEqualsWarmupCosineUpToTheLastStep() {
        double w = WARMUP;
        LrSchedule pytorch = new SequentialLr(List.of(LrSchedule.linear(MAX, 1 / w, 1.0, WARMUP - 1),
                LrSchedule.cosineAnnealing(MAX, LAST - WARMUP, MIN)), List.of(WARMUP));
        LrSchedule nanogpt = LrSchedule.warmupCosine(MAX, MIN, WARMUP, LAST);
        for (long t = 0; t <= LAST; t++) {
            assertThat(pytorch.lr(t)).as("step %d", t).isCloseTo(nanogpt.lr(t), within(1e-15));
        }
        assertThat(pytorch.lr(LAST + (LAST - WARMUP))).as("PyTorch's cosine is back at the top").isCloseTo(MAX, within(1e-15));
        assertThat(nanogpt.lr(LAST + (LAST - WARMUP))).isEqualTo(MIN);
    }

    @Test
    void linearLrMatchesThePytorchDocExample() {
        LrSchedule s = LrSchedule.linear(0.05, 0.5, 1.0, 4);
        double[] expected = {0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05};
        for (int t = 0; t < expected.length; t++) {
            assertThat(s.lr(t)).as("step %d", t).isCloseTo(expected[t], within(1e-15));
        }
    }

    /**
     * PyTorch's CosineAnnealingLR.get_lr, as it runs step by step:
     * <pre>
     * η_0 = η_max
     * η_t = η_{t−1} + ½(η_max − η_min)(1 − cos(π/T))                     if (t − 1 − T) mod 2T = 0
     * η_t = (1 + cos(πt/T)) / (1 + cos(π(t−1)/T)) · (η_{t−1} − η_min) + η_min     otherwise
     * </pre>
     */
    static double[] pytorchRecursion(double base, long tMax, double etaMin, int steps) {
        double[] lr = new double[steps];
        lr[0] = base;
        for (int t = 1; t < steps; t++) {
            if (Math.floorMod(t - 1 - tMax, 2 * tMax) == 0) {
                lr[t] = lr[t - 1] + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lr[t] = (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax))
                        * (lr[t - 1] - etaMin) + etaMin;
            }
        }
        return lr;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 7, 10, 100})
    void cosineAnnealingEqualsPytorchsRecursionAcrossSeveralPeriods(long tMax) {
        LrSchedule s = LrSchedule.cosineAnnealing(0.1, tMax, 0.001);
        double[] recursion = pytorchRecursion(0.1, tMax, 0.001, (int) (5 * tMax) + 1);
        for (int t = 0; t < recursion.length; t++) {
            assertThat(s.lr(t)).as("T_max %d, step %d", tMax, t).isCloseTo(recursion[t], within(1e-12));
        }
    }

    @Test
    void cosineAnnealingKeepsOscillatingAfterTMax() {
        long tMax = 10;
        LrSchedule s = LrSchedule.cosineAnnealing(0.1, tMax, 0.001);
        assertThat(s.lr(0)).isCloseTo(0.1, within(1e-15));
        assertThat(s.lr(tMax)).isCloseTo(0.001, within(1e-15));
        for (long k = 1; k < tMax; k++) {
            assertThat(s.lr(tMax + k)).as("mirror of step %d", tMax - k).isCloseTo(s.lr(tMax - k), within(1e-15));
            assertThat(s.lr(tMax + k)).as("climbing at %d", tMax + k).isGreaterThan(s.lr(tMax + k - 1));
        }
        assertThat(s.lr(2 * tMax)).isCloseTo(0.1, within(1e-15));
        assertThat(s.lr(3 * tMax)).isCloseTo(0.001, within(1e-15));
    }

    @Test
    void stepDecayAndConstant() {
        LrSchedule s = LrSchedule.stepDecay(0.1, 3, 0.5);
        assertThat(new double[] {s.lr(0), s.lr(2), s.lr(3), s.lr(5), s.lr(6)})
                .containsExactly(0.1, 0.1, 0.05, 0.05, 0.025);
        assertThat(LrSchedule.constant(3e-4).lr(12345)).isEqualTo(3e-4);
    }

    @Test
    void applySetsEveryGroupOfTheOptimizer() {
        var p = GoldenProblem.params(Backends.cpu());
        SGD sgd = new SGD(ParamGroup.of(p.subList(0, 1)), ParamGroup.of(p.subList(1, 3)).withLr(9)).lr(1);
        double lr = LrSchedule.warmupCosine(MAX, MIN, WARMUP, LAST).apply(sgd, 3);
        assertThat(lr).isCloseTo(MAX * 4 / WARMUP, within(1e-18));
        assertThat(sgd.groupLr(0)).isEqualTo(lr);
        assertThat(sgd.groupLr(1)).isEqualTo(lr);
    }

    @Test
    void rejectsSchedulesThatMakeNoSense() {
        assertThatThrownBy(() -> LrSchedule.warmupCosine(MAX, MIN, 10, 10))
                .hasMessageContaining("maxSteps 10 must be greater than warmupSteps 10");
        assertThatThrownBy(() -> LrSchedule.warmupCosine(MIN, MAX, 10, 20)).hasMessageContaining("minLr 6.0E-4 is above maxLr");
        assertThatThrownBy(() -> LrSchedule.linear(0.1, 0, 1, 4)).hasMessageContaining("invalid startFactor 0.0");
        assertThatThrownBy(() -> LrSchedule.cosineAnnealing(0.1, 0, 0)).hasMessageContaining("invalid tMax 0");
        assertThatThrownBy(() -> LrSchedule.stepDecay(0.1, 0, 0.5)).hasMessageContaining("invalid stepSize 0");
        assertThatThrownBy(() -> new SequentialLr(List.of(LrSchedule.constant(1)), List.of(3L)))
                .hasMessageContaining("1 schedules need 0 milestones, got 1");
    }
}
