package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.layers.KVCache;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Autoregressive sampling: take the logits of the position after the tokens so far, choose the next token
 * ({@link SamplingSettings}), append it, repeat. Two ways to get those logits:
 * <ul>
 * <li>{@link Mode#KV_CACHE}: the prompt runs through the model once, filling a key-value cache; then each new
 *     token runs through every block alone, attending to the cached keys and values ({@link GPT#decode}). When
 *     the cache holds the whole context, it restarts from the last half of the context (GPT-2's positions are
 *     absolute, so old keys cannot be shifted).</li>
 * <li>{@link Mode#FULL_FORWARD}: every token re-runs the whole window (the last context-length tokens) through
 *     the model, as a model without a cache must; the slow reference.</li>
 * </ul>
 * Within the context both give the same logits up to rounding, hence the same tokens for the same seed.
 */
public final class Sampler {
    /** Where the next-token logits come from. */
    public enum Mode {
        /** Incremental decoding with a key-value cache. */
        KV_CACHE,
        /** A full forward pass over the window for every token. */
        FULL_FORWARD
    }

    private Sampler() {
    }

    /** Continues {@code prompt} by {@code newTokens} tokens with the KV cache, temperature and top-k (no top-p). */
    public static int[] generate(GPT model, int[] prompt, int newTokens, double temperature, int topK, Rng rng) {
        return generate(model, prompt, newTokens, new SamplingSettings(temperature, topK, 1), Mode.KV_CACHE, rng,
                token -> { });
    }

    /**
     * Continues {@code prompt} by {@code newTokens} tokens, handing each to {@code onToken} as soon as it is chosen;
     * returns the prompt followed by the new tokens. The model runs in evaluation mode (restored afterwards).
     */
    @SuppressWarnings("try")
    public static int[] generate(GPT model, int[] prompt, int newTokens, SamplingSettings settings, Mode mode, Rng rng,
                                 IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("sample: the prompt needs at least one token");
        }
        if (newTokens < 0) {
            throw new IllegalArgumentException("sample: the number of new tokens must be ≥ 0, got " + newTokens);
        }
        int[] tokens = Arrays.copyOf(prompt, prompt.length + newTokens);
        boolean wasTraining = model.isTraining();
        model.eval();
        KVCache cache = model.newCache();
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int n = prompt.length; n < tokens.length; n++) {
                float[] logits = mode == Mode.KV_CACHE ? cachedLogits(model, tokens, n, cache) : fullLogits(model, tokens, n);
                tokens[n] = settings.pick(logits, rng);
                onToken.accept(tokens[n]);
            }
        } finally {
            cache.release();
            if (wasTraining) {
                model.train();
            }
        }
        return tokens;
    }

    /**
     * The logits after tokens[0..n−1], feeding the cache what it lacks: the window (the last context-length tokens)
     * on the first call; the last half-context of tokens when the cache is full; else the one newest token.
     */
    private static float[] cachedLogits(GPT model, int[] tokens, int n, KVCache cache) {
        int context = cache.capacity();
        int from;
        if (cache.length() == 0) {
            from = Math.max(0, n - context);
        } else if (cache.length() == context) {
            cache.release();
            from = n - Math.max(1, context / 2);
        } else {
            from = n - 1;
        }
        try (MemoryScope step = Backends.defaultBackend().scope()) {
            float[] logits = model.decode(ids(tokens, from, n), cache).toArray();
            step.keep(cache.tensors());
            return logits;
        }
    }

    /** The logits after tokens[0..n−1] from one forward pass over the last context-length of them. */
    @SuppressWarnings("try")
    private static float[] fullLogits(GPT model, int[] tokens, int n) {
        int from = Math.max(0, n - model.config().contextLength());
        try (MemoryScope ignored = Backends.defaultBackend().scope()) {
            Tensor hidden = model.hidden(ids(tokens, from, n));
            return model.head(hidden.slice(1, n - from - 1, n - from)).toArray();
        }
    }

    /** tokens[from..to−1] as a (1, to − from) tensor of ids. */
    private static Tensor ids(int[] tokens, int from, int to) {
        float[] ids = new float[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = tokens[i];
        }
        return Tensor.fromArray(ids, 1, ids.length);
    }
}
