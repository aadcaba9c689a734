package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import java.util.Arrays;

/**
 * Autoregressive sampling: feed the tokens so far (cropped to the context), take the last position's logits,
 * divide by the temperature, keep the top k, softmax, draw the next token, repeat.
 */
public final class Sampler {
    private Sampler() {
    }

    /**
     * Continues {@code prompt} by {@code newTokens} tokens.
     *
     * @param temperature &gt; 0; below 1 sharpens the distribution, above 1 flattens it
     * @param topK        keep only the k most likely tokens (0 or ≥ vocabulary keeps all)
     */
    @SuppressWarnings("try")
    public static int[] generate(GPT model, int[] prompt, int newTokens, double temperature, int topK, Rng rng) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("sample: the prompt needs at least one token");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("sample: temperature must be > 0, got " + temperature);
        }
        if (newTokens < 0 || topK < 0) {
            throw new IllegalArgumentException("sample: the token count and top-k must be >= 0, got " + newTokens
                    + " and " + topK);
        }
        int[] tokens = Arrays.copyOf(prompt, prompt.length + newTokens);
        boolean wasTraining = model.isTraining();
        model.eval();
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int n = prompt.length; n < tokens.length; n++) {
                int start = Math.max(0, n - model.config().contextLength());
                float[] ids = new float[n - start];
                for (int i = start; i < n; i++) {
                    ids[i - start] = tokens[i];
                }
                try (MemoryScope temps = Backends.defaultBackend().scope()) {
                    Tensor logits = model.forward(Tensor.fromArray(ids, 1, ids.length));
                    float[] last = logits.slice(1, ids.length - 1, ids.length).toArray();
                    tokens[n] = draw(last, temperature, topK, rng);
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return tokens;
    }

    /**
     * p ∝ exp(logit/temperature) over the k largest logits; one draw from rng. Non-finite logits (a diverged
     * model) are refused: NaN fails every comparison and would otherwise come out as token 0.
     */
    static int draw(float[] logits, double temperature, int topK, Rng rng) {
        for (float logit : logits) {
            if (!Float.isFinite(logit)) {
                throw new IllegalStateException("sample: the model's logits are not finite (" + logit + "): its "
                        + "weights have diverged; sample from an earlier checkpoint");
            }
        }
        int k = topK <= 0 ? logits.length : Math.min(topK, logits.length);
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        float threshold = sorted[logits.length - k];
        double max = sorted[logits.length - 1];
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] >= threshold) {
                weights[i] = Math.exp((logits[i] - max) / temperature);
                total += weights[i];
            }
        }
        double u = rng.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < logits.length; i++) {
            if (weights[i] > 0) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }
}
