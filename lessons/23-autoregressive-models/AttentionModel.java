package dev.descent.lessons.autoregressivemodels;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Init;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.Linear;

/**
 * A one-layer, one-head attention language model, with the causal mask as a switch:
 * <pre>
 * x      = tok[ids] + pos[0..T−1]                               (B, T, C)
 * scores = (x·Wqᵀ)(x·Wkᵀ)ᵀ / √C                                (B, T, T)
 * scores = −∞ where key s &gt; query t                            only when causal
 * h      = x + softmax(scores)·(x·Wvᵀ)                          (B, T, C)
 * logits = h·Wₒᵀ + bₒ                                           (B, T, V)
 * </pre>
 * Without the mask, the prediction at position t may read positions t+1, t+2, .., including the very token
 * it is asked to predict.
 */
final class AttentionModel extends Module {
    private final boolean causal;
    private final int width;
    private final Embedding tok;
    private final Embedding pos;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear head;

    AttentionModel(int vocab, int context, int width, boolean causal, Rng rng) {
        this.causal = causal;
        this.width = width;
        this.tok = module("tok", new Embedding(Init.normal(rng, 0f, 0.3f, vocab, width)));
        this.pos = module("pos", new Embedding(Init.normal(rng, 0f, 0.3f, context, width)));
        this.query = module("query", new Linear(width, width, false, rng));
        this.key = module("key", new Linear(width, width, false, rng));
        this.value = module("value", new Linear(width, width, false, rng));
        this.head = module("head", new Linear(width, vocab, rng));
    }

    /** ids (B, T) -> logits (B, T, V) */
    @Override
    public Tensor forward(Tensor ids) {
        int t = ids.dim(1);
        Tensor x = tok.forward(ids).add(pos.forward(Tensor.arange(t)));
        Tensor scores = query.forward(x).matmul(key.forward(x).transpose()).mul((float) (1 / Math.sqrt(width)));
        if (causal) {
            scores = Functional.maskedFill(scores, CausalMask.future(t, x.backend()), Float.NEGATIVE_INFINITY);
        }
        Tensor h = x.add(scores.softmax().matmul(value.forward(x)));
        return head.forward(h);
    }

}
