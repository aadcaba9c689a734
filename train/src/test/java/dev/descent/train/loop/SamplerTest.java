package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final GPTConfig CONFIG = new GPTConfig(29, 16, 2, 2, 8, 0f, false);
    private static final int[] PROMPT = {3, 1, 4};

    /** A GPT whose weights are all drawn wide, so its next-token distributions are far from flat. */
    static GPT model() {
        GPT gpt = new GPT(CONFIG, new Rng(1));
        Rng rng = new Rng(2);
        gpt.parameters().forEach(p -> p.copyFrom(Tensor.randn(rng, p.shape().dims()).mul(0.5f)));
        return gpt;
    }

    @Test
    void cachedAndFullForwardDecodingGiveTheSameTokensForTheSameSeed() {
        GPT gpt = model();
        for (SamplingSettings settings : List.of(new SamplingSettings(1.0, 0, 1), new SamplingSettings(1.3, 5, 0.9),
                new SamplingSettings(0, 0, 1))) {
            int n = CONFIG.contextLength() - PROMPT.length;
            List<Integer> streamed = new ArrayList<>();
            int[] cached = Sampler.generate(gpt, PROMPT, n, settings, Sampler.Mode.KV_CACHE, new Rng(3), streamed::add);
            int[] full = Sampler.generate(gpt, PROMPT, n, settings, Sampler.Mode.FULL_FORWARD, new Rng(3), t -> { });
            assertThat(cached).as(settings.toString()).containsExactly(full).startsWith(PROMPT);
            assertThat(streamed).containsExactly(Arrays.stream(cached, PROMPT.length, cached.length).boxed()
                    .toArray(Integer[]::new));
        }
        assertThat(gpt.isTraining()).as("the model's mode is restored").isTrue();
    }

    @Test
    void pastTheContextTheCacheRestartsFromTheLastHalfContext() {
        GPT gpt = model();
        gpt.eval();
        int n = 3 * CONFIG.contextLength();
        int[] tokens = Sampler.generate(gpt, PROMPT, n, new SamplingSettings(0, 0, 1), Sampler.Mode.KV_CACHE,
                new Rng(4), t -> { });
        // replay the documented windows: [0, n) until the cache is full, then from n − 8 each time it fills up
        int context = CONFIG.contextLength();
        int start = 0;
        for (int position = PROMPT.length; position < tokens.length; position++) {
            if (position - start > context) {
                start = position - context / 2;
            }
            float[] ids = new float[position - start];
            for (int i = start; i < position; i++) {
                ids[i - start] = tokens[i];
            }
            float[] logits;
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                logits = gpt.forward(Tensor.fromArray(ids, 1, ids.length)).slice(1, ids.length - 1, ids.length).toArray();
            }
            assertThat(tokens[position]).as("position " + position).isEqualTo(argmax(logits));
        }
    }

    private static int argmax(float[] xs) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            best = xs[i] > xs[best] ? i : best;
        }
        return best;
    }

    @Test
    void topPKeepsTheSmallestSetOfLikeliestTokensReachingP() {
        // p = (0.5, 0.25, 0.15, 0.1): top-p 0.7 keeps the first two (0.75), 0.8 the first three (0.9)
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.15), (float) Math.log(0.1)};
        assertThat(frequencies(new SamplingSettings(1, 0, 0.7), logits)).containsExactly(new double[] {2 / 3.0, 1 / 3.0, 0, 0},
                org.assertj.core.data.Offset.offset(0.02));
        assertThat(frequencies(new SamplingSettings(1, 0, 0.8), logits))
                .containsExactly(new double[] {0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0}, org.assertj.core.data.Offset.offset(0.02));
        // top-k cuts first: top-2 then top-p 0.5 of (2/3, 1/3) keeps only the likeliest
        assertThat(frequencies(new SamplingSettings(1, 2, 0.5), logits)).containsExactly(1, 0, 0, 0);
        // temperature 0 is greedy whatever the other settings
        assertThat(frequencies(new SamplingSettings(0, 3, 0.9), logits)).containsExactly(1, 0, 0, 0);
    }

    /** Frequencies of 10,000 picks (standard deviation below 0.005, so 0.02 is four of them). */
    private static double[] frequencies(SamplingSettings settings, float[] logits) {
        Rng rng = new Rng(5);
        int[] counts = new int[logits.length];
        for (int i = 0; i < 10_000; i++) {
            counts[settings.pick(logits, rng)]++;
        }
        return Arrays.stream(counts).mapToDouble(c -> c / 10_000.0).toArray();
    }

    @Test
    void drawsOnlyAmongTheTopK() {
        Rng rng = new Rng(3);
        for (int i = 0; i < 50; i++) {
            assertThat(new SamplingSettings(1.0, 2, 1).pick(new float[] {0f, 5f, 4.5f, -1f}, rng)).isIn(1, 2);
        }
    }

    /** NaN logits (diverged weights) used to fall through every comparison and come out as token 0. */
    @Test
    void nonFiniteLogitsAreRefusedNotTurnedIntoTokenZero() {
        assertThatThrownBy(() -> new SamplingSettings(0.8, 0, 1).pick(new float[] {Float.NaN, Float.NaN, Float.NaN},
                new Rng(1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("not finite")
                .hasMessageContaining("diverged");
        assertThatThrownBy(() -> new SamplingSettings(0.8, 40, 1).pick(new float[] {1f, Float.POSITIVE_INFINITY},
                new Rng(1))).hasMessageContaining("not finite");
        assertThatThrownBy(() -> new SamplingSettings(0, 0, 1).pick(new float[] {Float.NaN, 1f}, new Rng(1)))
                .as("greedy too").hasMessageContaining("not finite");
    }

    @Test
    void theKthLargestComesFromAHeapAsFromASort() {
        Rng rng = new Rng(6);
        float[] xs = new float[1000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = rng.nextInt(50) / 7f;
        }
        float[] sorted = xs.clone();
        Arrays.sort(sorted);
        for (int k : new int[] {1, 2, 40, 999, 1000}) {
            assertThat(SamplingSettings.kthLargest(xs, k)).as("k = " + k).isEqualTo(sorted[xs.length - k]);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> new SamplingSettings(-0.5, 40, 1)).hasMessageContaining("--temperature -0.5: must be a number ≥ 0");
        assertThatThrownBy(() -> new SamplingSettings(Double.NaN, 40, 1)).hasMessageContaining("--temperature NaN");
        assertThatThrownBy(() -> new SamplingSettings(1, -1, 1)).hasMessageContaining("--top-k -1: must be 0 (every token)");
        assertThatThrownBy(() -> new SamplingSettings(1, 40, 0)).hasMessageContaining("--top-p 0.0: must be in (0, 1]");
        assertThatThrownBy(() -> new SamplingSettings(1, 40, 1.5)).hasMessageContaining("--top-p 1.5");
        assertThatThrownBy(() -> Sampler.generate(model(), new int[0], 3, 1, 0, new Rng(7)))
                .hasMessageContaining("the prompt needs at least one token");
    }
}
