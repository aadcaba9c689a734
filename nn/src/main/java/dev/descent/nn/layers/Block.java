package dev.descent.nn.layers;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/** A pre-LayerNorm transformer block: x ← x + attn(ln1(x));  x ← x + mlp(ln2(x)).  {@code (B, T, C) -> (B, T, C)} */
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
        Tensor h = x.add(attn.forward(ln1.forward(x)));
        return h.add(mlp.forward(ln2.forward(h)));
    }

    /** Incremental decoding of x (B, Tn, C), the tokens after those in {@code cache} (see CausalSelfAttention). */
    public Tensor forward(Tensor x, KVCache.Layer cache) {
        Tensor h = x.add(attn.forward(ln1.forward(x), cache));
        return h.add(mlp.forward(ln2.forward(h)));
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
