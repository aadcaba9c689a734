package dev.descent.lessons.transformers;

import dev.descent.core.Functional;
import dev.descent.core.Tensor;

/**
 * Exercise 24: the attention weights of one head. Query t scores every key by a dot product, scaled by 1/√hs so
 * that the scores' spread does not grow with the head size; keys after t are masked to −∞ (the causal mask,
 * {@link Attention#future}); a softmax over the keys turns each row into weights that sum to 1.
 * <pre>
 * scores[t][s] = q_t · k_s / √hs
 * scores[t][s] = −∞ for s &gt; t
 * a[t] = softmax(scores[t])
 * </pre>
 */
final class AttentionWeights {
    private AttentionWeights() {
    }

    /** q and k (.., T, hs) -> the weights (.., T, T); row t is a distribution over keys 0..t. */
    static Tensor of(Tensor q, Tensor k) {
        int t = q.dim(-2);
        Tensor scores = q.matmul(k.transpose()).div((float) Math.sqrt(q.dim(-1)));
        return Functional.maskedFill(scores, Attention.future(t, q.backend()), Float.NEGATIVE_INFINITY).softmax();
    }
}
