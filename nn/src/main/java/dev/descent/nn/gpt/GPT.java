package dev.descent.nn.gpt;

import dev.descent.core.Autograd;
import dev.descent.core.Functional;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.GradientCheckpoint;
import dev.descent.nn.Init;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Block;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Embedding;
import dev.descent.nn.layers.KVCache;
import dev.descent.nn.layers.LayerNorm;
import dev.descent.nn.layers.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A GPT-2 language model: token ids {@code (B, T)} -> next-token logits {@code (B, T, V)}.
 * <pre>
 * x = dropout(wte[idx] + wpe[0..T−1])        (B, T, C)
 * x = block_{L−1}(..block_0(x))               pre-LN transformer blocks
 * logits = lnf(x) · wteᵀ                      the head is tied to the token embedding
 * </pre>
 * Initialisation follows GPT-2: Linear and Embedding weights from N(0, 0.02²), biases zero, LayerNorms
 * (1, 0), and the two projections that write into the residual stream ({@code attn.proj}, {@code mlp.proj})
 * from N(0, (0.02/√(2L))²), so the stream's variance does not grow with depth.
 */
public final class GPT extends Module {
    private static final float STD = 0.02f;

    private final GPTConfig config;
    private final Embedding wte;
    private final Embedding wpe;
    private final Dropout drop;
    private final Sequential blocks;
    private final List<Block> blockList = new ArrayList<>();
    private final LayerNorm lnf;

    public GPT(GPTConfig config, Rng rng) {
        this.config = config;
        int c = config.width();
        this.wte = module("wte", new Embedding(Init.normal(rng, 0f, STD, config.vocabSize(), c)));
        this.wpe = module("wpe", new Embedding(Init.normal(rng, 0f, STD, config.contextLength(), c)));
        this.drop = module("drop", new Dropout(config.dropout(), rng));
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            Block block = new Block(c, config.heads(), config.dropout(), rng);
            initialise(block, rng);
            blockList.add(block);
            layers.add(config.gradientCheckpointing() ? new GradientCheckpoint(block) : block);
        }
        this.blocks = module("blocks", new Sequential(layers));
        this.lnf = module("lnf", new LayerNorm(c));
    }

    /** GPT-2's initialisation of one block's Linear layers, residual projections scaled by 1/√(2L). */
    private void initialise(Block block, Rng rng) {
        Set<Module> residual = Set.of(block.attn().proj(), block.mlp().proj());
        float residualStd = (float) (STD / Math.sqrt(2.0 * config.layers()));
        for (Module m : block.modules()) {
            if (m instanceof Linear linear) {
                float std = residual.contains(linear) ? residualStd : STD;
                try (MemoryScope values = linear.weight().backend().scope()) {
                    linear.weight().copyFrom(Init.normal(rng, 0f, std, linear.weight().shape().dims()));
                    linear.bias().copyFrom(Init.zeros(linear.bias().shape().dims()));
                }
            }
        }
    }

    /** idx (B, T) -> logits (B, T, V); T may not exceed the context length. */
    @Override
    public Tensor forward(Tensor idx) {
        return head(hidden(idx));
    }

    /** The tied head: final hidden states h (.., C) -> logits h · wteᵀ (.., V). */
    public Tensor head(Tensor h) {
        return Functional.linear(h, wte.weight(), null);
    }

    /** An empty key-value cache for {@link #decode}: one entry per block, up to the context length. */
    public KVCache newCache() {
        return new KVCache(config.layers(), config.contextLength());
    }

    /**
     * Incremental decoding: idx (B, Tn) are the tokens at positions n..n+Tn−1 that follow the n tokens whose keys
     * and values {@code cache} holds; appends theirs to the cache and returns the logits of the last one (B, V).
     * Equal, up to rounding, to the last position of {@link #forward} over all n + Tn tokens, at a cost of Tn
     * positions instead of n + Tn. Inference only: the model must be in evaluation mode (no dropout), and no graph
     * is recorded.
     *
     * @throws IllegalStateException when the model is training, or the tokens would run past the context length
     */
    @SuppressWarnings("try")
    public Tensor decode(Tensor idx, KVCache cache) {
        if (isTraining()) {
            throw new IllegalStateException("GPT.decode: the model is in training mode; call eval() first (decoding "
                    + "is inference, without dropout)");
        }
        if (idx.rank() != 2 || cache.layers() != config.layers()) {
            throw new IllegalArgumentException("GPT.decode: needs token ids (B, Tn) and a cache of " + config.layers()
                    + " blocks, got " + idx.shape() + " and " + cache.layers());
        }
        int t = idx.dim(1);
        cache.checkRoom(t);
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            int past = cache.length();
            Tensor positions = Tensor.arange(past, past + t, 1).to(idx.backend());
            // x = wte[idx] + wpe[n..n+Tn−1]
            Tensor x = wte.forward(idx).add(wpe.forward(positions));
            for (int i = 0; i < blockList.size(); i++) {
                x = blockList.get(i).forward(x, cache.layer(i));
            }
            cache.advance(t);
            // logits of the last position only: lnf and the head act on each position alone
            return head(lnf.forward(x.slice(1, t - 1, t))).reshape(idx.dim(0), config.vocabSize());
        }
    }

    /** idx (B, T) -> the final hidden states h = lnf(blocks(x)) (B, T, C), which the tied head maps to logits. */
    public Tensor hidden(Tensor idx) {
        return hidden(idx, true);
    }

    /** {@link #hidden(Tensor)} with the blocks' fusions, or with every block as the plain composition of its layers. */
    private Tensor hidden(Tensor idx, boolean fusedBlocks) {
        if (idx.rank() != 2) {
            throw new IllegalArgumentException("GPT: needs token ids (B, T), got " + idx.shape());
        }
        int t = idx.dim(1);
        if (t > config.contextLength()) {
            throw new IllegalArgumentException("GPT: sequence length " + t + " exceeds the context length "
                    + config.contextLength());
        }
        Tensor positions = Tensor.arange(t).to(idx.backend());
        // x = wte[idx] + wpe[0..T−1], (B, T, C) + (T, C)
        Tensor x = drop.forward(wte.forward(idx).add(wpe.forward(positions)));
        if (fusedBlocks) {
            return lnf.forward(blocks.forward(x));
        }
        for (int i = 0; i < blocks.size(); i++) {
            x = ((Block) blocks.get(i)).forward(x, false);
        }
        return lnf.forward(x);
    }

    /**
     * Mean cross-entropy of the logits for idx (B, T) against the next tokens targets (B, T), targets equal to
     * {@link Functional#DEFAULT_IGNORE_INDEX} left out. Equal to {@code crossEntropy(forward(idx), targets)}, but
     * the head and the loss are fused: the (B·T, V) logits are never kept, one buffer of that size is.
     */
    public Tensor loss(Tensor idx, Tensor targets) {
        return loss(idx, targets, true);
    }

    /**
     * {@link #loss(Tensor, Tensor)}, or with {@code fusedBlocks = false} the same loss through the plain composition
     * of every block's layers (no residual + layer norm kernel, MLP as Linear, GELU, Linear): the reference the
     * fusions are tested against. Not for a model with gradient checkpointing.
     */
    Tensor loss(Tensor idx, Tensor targets, boolean fusedBlocks) {
        if (!targets.shape().equals(idx.shape())) {
            throw new IllegalArgumentException("GPT: targets must have the shape of the token ids " + idx.shape()
                    + ", got " + targets.shape());
        }
        // L = mean over kept (b, t) of −log softmax(h_bt · wteᵀ)[y_bt], h flattened to (B·T, C)
        Tensor h = hidden(idx, fusedBlocks).reshape(-1, config.width());
        return Functional.linearCrossEntropy(h, wte.weight(), targets.reshape(-1), Functional.DEFAULT_IGNORE_INDEX);
    }

    public GPTConfig config() {
        return config;
    }

    /**
     * The number of parameters of a GPT with this configuration, without building it:
     * V·C + T·C (embeddings) + L·(12C² + 13C) (blocks) + 2C (final LayerNorm). Per block: two LayerNorms 4C,
     * qkv 3C² + 3C, attention projection C² + C, MLP 4C² + 4C and 4C² + C. The head is tied, so adds nothing.
     */
    public static long parameterCount(GPTConfig config) {
        long c = config.width();
        long perBlock = 12 * c * c + 13 * c;
        return (long) config.vocabSize() * c + (long) config.contextLength() * c + config.layers() * perBlock + 2 * c;
    }

    @Override
    protected String extraRepr() {
        return "parameters=" + parameterCount();
    }
}
