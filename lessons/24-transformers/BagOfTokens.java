package dev.descent.lessons.transformers;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.MLP;
import dev.descent.nn.layers.Linear;

/**
 * The baseline a transformer must beat: a causal bag of tokens. Position t sees the average of the embeddings of
 * tokens 0..t, fed through an MLP, so it knows which tokens came before but not in what order:
 * <pre>
 * e = E[ids]                            (B, T, C)
 * h_t = (1/(t+1))·Σ_{s≤t} e_s           (B, T, C): A·e with A lower-triangular, rows averaging
 * logits = head(h + mlp(h))             (B, T, V)
 * </pre>
 * This is attention with every weight fixed to 1/(t+1) and no positions: what remains when the content-based
 * weights are taken away.
 */
final class BagOfTokens extends Module {
    private final Embedding embed;
    private final MLP mlp;
    private final Linear head;
    private final Tensor average;

    BagOfTokens(int vocab, int context, int width, Rng rng) {
        this.embed = module("embed", new Embedding(vocab, width, rng));
        this.mlp = module("mlp", new MLP(width, 4 * width, 0f, rng));
        this.head = module("head", new Linear(width, vocab, rng));
        float[] a = new float[context * context];
        for (int t = 0; t < context; t++) {
            for (int s = 0; s <= t; s++) {
                a[t * context + s] = 1f / (t + 1);
            }
        }
        this.average = Tensor.fromArray(a, context, context);
    }

    /** ids (B, T) -> logits (B, T, V) */
    @Override
    public Tensor forward(Tensor ids) {
        Tensor h = average.matmul(embed.forward(ids));
        return head.forward(h.add(mlp.forward(h)));
    }
}
