package dev.descent.nn.layers;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/**
 * A pre-LayerNorm transformer block: x ← x + attn(ln1(x));  x ← x + mlp(ln2(x)).  {@code (B, T, C) -> (B, T, C)}.
 * The forward pass fuses the first residual add with ln2 ({@link Functional#residualLayerNorm}: one kernel writes
 * the residual stream and its normalisation) and runs the MLP as one op; {@link #forward(Tensor, boolean)} with
 * {@code fused = false} runs the plain composition.
 */
public final class Block extends Module {
    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final MLP mlp;

    /** A block of the given width and heads; the MLP is 4× wide, as in GPT-2. */
    public Block(int width, int heads, float dropout, Rng rng) {
        this.ln1 = module("ln1", new LayerNorm(width));
        this.attn = module("attn", new CausalSelfAttention(width, heads, dropout, rng));
        this.ln2 = module("ln2", new LayerNorm(width));
        this.mlp = module("mlp", new MLP(width, 4 * width, dropout, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, true);
    }

    /** The block with its fusions, or as the plain composition of its layers: equal outputs and gradients. */
    public Tensor forward(Tensor x, boolean fused) {
        return afterAttention(x, attn.forward(ln1.forward(x)), fused);
    }

    /**
     * Incremental decoding of x (B, Tn, C), the tokens after those in {@code cache} (see CausalSelfAttention), with
     * the block's fusions.
     */
    public Tensor forward(Tensor x, KVCache.Layer cache) {
        return afterAttention(x, attn.forward(ln1.forward(x), cache), true);
    }

    /** h = x + a;  h + mlp(ln2(h)), for the attention branch's output {@code a (.., C)}. */
    private Tensor afterAttention(Tensor x, Tensor a, boolean fused) {
        if (!fused) {
            Tensor h = x.add(a);
            return h.add(mlp.forward(ln2.forward(h), false));
        }
        Functional.ResidualNorm r = Functional.residualLayerNorm(x, a, ln2.weight(), ln2.bias(), ln2.eps());
        return r.sum().add(mlp.forward(r.normalized(), true));
    }

    public CausalSelfAttention attn() {
        return attn;
    }

    public LayerNorm ln1() {
        return ln1;
    }

    public LayerNorm ln2() {
        return ln2;
    }

    public MLP mlp() {
        return mlp;
    }
}
