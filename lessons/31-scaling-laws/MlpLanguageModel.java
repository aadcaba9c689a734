package dev.descent.lessons.scalinglaws;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.Linear;

/**
 * Bengio et al.'s neural language model, the smallest model family whose size has one knob: the previous K
 * characters are embedded, concatenated, passed through one tanh hidden layer of width H, and mapped to
 * next-character logits.
 * <pre>
 * e = concat(E[c₁], …, E[c_K])        (B, K·D)    the embedding table E is (V, D)
 * h = tanh(e·W₁ᵀ + b₁)                (B, H)
 * logits = h·W₂ᵀ + b₂                 (B, V)
 * </pre>
 */
final class MlpLanguageModel extends Module {
    private final int context;
    private final int embeddingDim;
    private final Embedding embedding;
    private final Linear hidden;
    private final Linear output;

    MlpLanguageModel(int vocab, int context, int embeddingDim, int width, Rng rng) {
        this.context = context;
        this.embeddingDim = embeddingDim;
        this.embedding = module("embedding", new Embedding(vocab, embeddingDim, rng));
        this.hidden = module("hidden", new Linear(context * embeddingDim, width, rng));
        this.output = module("output", new Linear(width, vocab, rng));
    }

    /** ids (B, K) of the previous K characters -> logits (B, V) for the next one. */
    @Override
    public Tensor forward(Tensor ids) {
        if (ids.rank() != 2 || ids.dim(1) != context) {
            throw new IllegalArgumentException("MlpLanguageModel: needs ids (B, " + context + "), got " + ids.shape());
        }
        // e = concat of the K embeddings, (B, K, D) -> (B, K·D)
        Tensor e = embedding.forward(ids).reshape(ids.dim(0), context * embeddingDim);
        return output.forward(hidden.forward(e).tanh());
    }

    /** Parameters outside the embedding table: Kaplan et al. count these, N. */
    long nonEmbeddingParameters() {
        return parameterCount() - embedding.weight().numel();
    }
}
