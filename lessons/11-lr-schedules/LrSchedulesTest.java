package dev.descent.lessons.lrschedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.optim.WarmupCosineLr;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class LrSchedulesTest {
    private static final long[] SEEDS = {1, 2, 3};
    // Each data set trained once without warmup and once with it, shared by the tests below.
    private static final List<Main.Run> WITHOUT = new ArrayList<>();
    private static final List<Main.Run> WITH = new ArrayList<>();

    static {
        for (long seed : SEEDS) {
            Main.Regression data = Main.Regression.make(seed);
            WITHOUT.add(Main.train(data, 1));
            WITH.add(Main.train(data, Main.WARMUP));
        }
    }

    private static double gpt2(long t) {
        return Schedule.warmupCosine(t, Main.GPT2_MAX_LR, Main.GPT2_MIN_LR, Main.GPT2_WARMUP, Main.GPT2_STEPS);
    }

    @Test
    @Tag("exercise")
    void handWrittenScheduleMatchesWarmupCosineLr() {
        WarmupCosineLr framework = new WarmupCosineLr(Main.GPT2_MAX_LR, Main.GPT2_MIN_LR, Main.GPT2_WARMUP,
                Main.GPT2_STEPS);
        for (long t = 0; t <= 25_000; t++) {
            assertThat(gpt2(t)).as("step %d", t).isCloseTo(framework.lr(t), within(1e-15));
        }
    }

    @Test
    @Tag("exercise")
    void gpt2ScheduleHitsItsPublishedNumbers() {
        assertThat(gpt2(0)).isCloseTo(6e-4 / 715, within(1e-15));
        assertThat(gpt2(714)).isCloseTo(6e-4, within(1e-15));
        assertThat(gpt2(715)).isCloseTo(6e-4, within(1e-15));
        // Half way through the cosine the rate is half way between peak and floor.
        assertThat(gpt2(715 + (19073 - 715) / 2)).isCloseTo(3.3e-4, within(1e-12));
        assertThat(gpt2(19073)).isCloseTo(6e-5, within(1e-15));
        assertThat(gpt2(19074)).isEqualTo(6e-5);
        assertThat(gpt2(100_000)).isEqualTo(6e-5);
        for (long t = 1; t <= 25_000; t++) {
            if (t < 715) {
                assertThat(gpt2(t)).isGreaterThan(gpt2(t - 1));
            } else {
                assertThat(gpt2(t)).isLessThanOrEqualTo(gpt2(t - 1));
            }
        }
    }

    @Test
    void warmupAvoidsTheEarlyLossSpike() {
        for (int i = 0; i < SEEDS.length; i++) {
            double[] without = WITHOUT.get(i).losses();
            double[] with = WITH.get(i).losses();
            assertThat(Main.max(without)).as("seed %d", SEEDS[i]).isGreaterThan(20 * without[0]);
            assertThat(Main.argMax(without)).as("seed %d", SEEDS[i]).isBetween(1, 5);
            assertThat(Main.argMax(with)).as("seed %d", SEEDS[i]).isZero();
        }
    }

    @Test
    void withoutWarmupAdamsFirstStepMovesEveryWeightByTheFullRate() {
        for (float w : WITHOUT.get(0).weightsAfterStep1()) {
            assertThat(Math.abs(w)).isCloseTo((float) Main.MAX_LR, within(1e-6f));
        }
    }

    @Test
    void warmupEndsAtALowerLoss() {
        for (int i = 0; i < SEEDS.length; i++) {
            assertThat(WITHOUT.get(i).losses()[Main.STEPS]).as("seed %d", SEEDS[i])
                    .isGreaterThan(100 * WITH.get(i).losses()[Main.STEPS]);
        }
    }

    @Test
    void theSpikesGradientsLingerInAdamsSecondMoment() {
        for (int i = 0; i < SEEDS.length; i++) {
            assertThat(WITHOUT.get(i).finalRootVHat()).as("seed %d", SEEDS[i])
                    .isGreaterThan(2 * WITH.get(i).finalRootVHat());
        }
    }
}
