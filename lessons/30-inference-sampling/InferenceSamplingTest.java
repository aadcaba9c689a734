package dev.descent.lessons.inferencesampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.loop.Sampler;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class InferenceSamplingTest {
    /** |frequency − p| within 4 standard deviations of a binomial proportion, for every token. */
    private static void assertMatches(double[] frequencies, float[] p, int draws) {
        for (int i = 0; i < p.length; i++) {
            double sigma = Math.sqrt(p[i] * (1 - p[i]) / draws);
            assertThat(frequencies[i]).as("token %d", i).isCloseTo(p[i], within(4 * sigma + 1e-9));
        }
    }

    @Tag("exercise")
    @Test
    void temperatureAndTopKByHand() {
        // logits log(1, 2, 3, 4): at T = 1, p = (1, 2, 3, 4)/10; at T = 1/2, p ∝ (1, 4, 9, 16); top-2 keeps (3, 4)/7.
        Tensor logits = Tensor.fromArray(new float[] {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)});
        assertThat(Sampling.probabilities(logits, 1, 0).toArray()).containsExactly(new float[] {0.1f, 0.2f, 0.3f, 0.4f},
                within(1e-6f));
        assertThat(Sampling.probabilities(logits, 0.5, 0).toArray())
                .containsExactly(new float[] {1 / 30f, 4 / 30f, 9 / 30f, 16 / 30f}, within(1e-6f));
        assertThat(Sampling.probabilities(logits, 1, 2).toArray()).containsExactly(new float[] {0, 0, 3 / 7f, 4 / 7f},
                within(1e-6f));
    }

    @Tag("exercise")
    @Test
    void drawnFrequenciesMatchTheFormula() {
        for (double[] s : new double[][] {{1, 0}, {0.7, 3}, {2, 5}}) {
            float[] p = Main.probabilities(s[0], (int) s[1]);
            assertMatches(Sampling.frequencies(p, 20_000, new Rng(1)), p, 20_000);
        }
    }

    @Tag("exercise")
    @Test
    void descentsSamplerDrawsFromTheSameDistribution() {
        GPT model = Main.tinyGpt();
        Tensor logits = Main.nextLogits(model, Main.PROMPT);
        for (double[] s : new double[][] {{1, 0}, {0.7, 3}}) {
            float[] p = Sampling.probabilities(logits, s[0], (int) s[1]).toArray();
            assertMatches(Main.samplerFrequencies(model, s[0], (int) s[1], 3000, 2), p, 3000);
        }
    }

    @Tag("exercise")
    @Test
    void entropyFallsWithTemperatureFromLogVToZero() {
        double previous = -1;
        for (int i = 1; i <= 60; i++) {
            double h = Sampling.entropy(Main.probabilities(0.05 * i, 0));
            assertThat(h).isGreaterThan(previous);
            previous = h;
        }
        assertThat(Sampling.entropy(Main.probabilities(0.02, 0))).isLessThan(1e-6);
        assertThat(Sampling.entropy(Main.probabilities(1000, 0))).isCloseTo(Math.log(8), within(1e-3));
    }

    @Tag("exercise")
    @Test
    void greedyIsTheLimitOfLowTemperatureAndTopKOfOne() {
        assertThat(Main.probabilities(0.01, 0)[0]).isGreaterThan(0.9999f);
        for (double t : new double[] {0.5, 1, 5}) {
            assertThat(Main.probabilities(t, 1)).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        }
        GPT model = Main.tinyGpt();
        float[] logits = Main.nextLogits(model, Main.PROMPT).toArray();
        int argmax = 0;
        for (int i = 1; i < logits.length; i++) {
            argmax = logits[i] > logits[argmax] ? i : argmax;
        }
        Rng rng = new Rng(3);
        for (int i = 0; i < 50; i++) {
            assertThat(Sampler.generate(model, Main.PROMPT, 1, 5.0, 1, rng)[Main.PROMPT.length]).isEqualTo(argmax);
            assertThat(Sampler.generate(model, Main.PROMPT, 1, 0.01, 0, rng)[Main.PROMPT.length]).isEqualTo(argmax);
        }
    }
}
