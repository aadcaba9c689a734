package dev.descent.nn.layers;

import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/**
 * Multi-head causal self-attention over {@code x (B, T, C)} with nh heads of size hs = C/nh:
 * <pre>
 * q, k, v = split(x·W_qkvᵀ + b_qkv)                 each (B, T, C) -> (B, nh, T, hs)
 * att     = softmax(mask(q·kᵀ / √hs))               (B, nh, T, T), −∞ where key s > query t
 * y       = merge(dropout(att)·v)                   (B, nh, T, hs) -> (B, T, C)
 * out     = dropout(y·W_projᵀ + b_proj)
 * </pre>
 * Position t attends to positions 0..t only, so a token never sees the future.
 *
 * <p>When attention dropout is inactive (p = 0, or evaluation mode) the middle two lines run as the fused
 * {@link Functional#causalAttention}, which computes the same y but keeps one log-sum-exp per (batch, head, query)
 * instead of the (B, nh, T, T) matrix att; the explicit composition above runs when att must be dropped out.
 */
public final class CausalSelfAttention extends Module {
    private final int heads;
    private final Linear qkv;
    private final Linear proj;
    private final Dropout attnDropout;
    private final Dropout residDropout;

    public CausalSelfAttention(int width, int heads, float dropout, Rng rng) {
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("CausalSelfAttention: width " + width + " is not divisible by "
                    + heads + " heads");
        }
        this.heads = heads;
        this.qkv = module("qkv", new Linear(width, 3 * width, rng));
        this.proj = module("proj", new Linear(width, width, rng));
        this.attnDropout = module("attnDropout", new Dropout(dropout, rng));
        this.residDropout = module("residDropout", new Dropout(dropout, rng));
    }

    /** (B, T, C) -> (B, T, C) */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, !attnDropout.isTraining() || attnDropout.p() == 0);
    }

    /** (B, T, C) -> (B, T, C) through the fused attention op, or through the explicit composition. */
    Tensor forward(Tensor x, boolean fused) {
        int width = qkv.weight().dim(1);
        if (x.rank() != 3 || x.dim(2) != width) {
            throw new IllegalArgumentException("CausalSelfAttention: needs input (B, T, " + width + "), got " + x.shape());
        }
        Tensor qkvOut = qkv.forward(x);
        Tensor y = fused ? Functional.causalAttention(qkvOut, heads) : attendExplicitly(qkvOut);
        return residDropout.forward(proj.forward(y));
    }

    /**
     * Incremental decoding: x (B, Tn, C) holds the tokens at positions past..past+Tn−1, where past = cache.past();
     * their keys and values are appended to the cache and each attends to every cached position up to its own.
     * Inference: no dropout. The first call (an empty cache) runs the fused kernel, exactly as {@link #forward}.
     */
    public Tensor forward(Tensor x, KVCache.Layer cache) {
        Tensor qkvOut = qkv.forward(x);
        int past = cache.past();
        int width = qkvOut.dim(2) / 3;
        int hs = width / heads;
        Tensor[] cached = cache.append(splitHeads(qkvOut.slice(2, width, 2 * width), hs),
                splitHeads(qkvOut.slice(2, 2 * width, 3 * width), hs));
        Tensor y = past == 0 ? Functional.causalAttention(qkvOut, heads)
                : attend(splitHeads(qkvOut.slice(2, 0, width), hs), cached[0], cached[1], past, null);
        return proj.forward(y);
    }

    /** qkv (B, T, 3C) -> y (B, T, C), materialising att (B, nh, T, T) so that attention dropout can act on it. */
    private Tensor attendExplicitly(Tensor qkvOut) {
        int width = qkvOut.dim(2) / 3;
        int hs = width / heads;
        Tensor q = splitHeads(qkvOut.slice(2, 0, width), hs);
        Tensor k = splitHeads(qkvOut.slice(2, width, 2 * width), hs);
        Tensor v = splitHeads(qkvOut.slice(2, 2 * width, 3 * width), hs);
        return attend(q, k, v, 0, attnDropout);
    }

    /**
     * q (B, nh, Tq, hs) for positions offset..offset+Tq−1 over k, v (B, nh, Tk, hs) for positions 0..Tk−1
     * -> y (B, Tq, C), heads merged; att is dropped out by {@code dropout} unless it is null.
     */
    private Tensor attend(Tensor q, Tensor k, Tensor v, int offset, Dropout dropout) {
        int b = q.dim(0);
        int tq = q.dim(2);
        int hs = q.dim(3);
        // att = softmax(mask(q·kᵀ/√hs)), (B, nh, Tq, Tk)
        Tensor scores = q.matmul(k.transpose()).mul((float) (1 / Math.sqrt(hs)));
        Tensor att = Functional.maskedFill(scores, causalMask(tq, k.dim(2), offset, q.backend()),
                Float.NEGATIVE_INFINITY).softmax();
        // y = dropout(att)·v, heads merged back into channels
        Tensor dropped = dropout == null ? att : dropout.forward(att);
        return dropped.matmul(v).permute(0, 2, 1, 3).reshape(b, tq, heads * hs);
    }

    /** (B, T, C) -> (B, nh, T, hs) */
    private Tensor splitHeads(Tensor x, int hs) {
        return x.reshape(x.dim(0), x.dim(1), heads, hs).permute(0, 2, 1, 3);
    }

    /** (T, T), 1 where key s > query t (the future), else 0. */
    static Tensor causalMask(int t, Backend backend) {
        return causalMask(t, t, 0, backend);
    }

    /** (Tq, Tk), 1 where key s > query position offset + t (the future), else 0. */
    static Tensor causalMask(int tq, int tk, int offset, Backend backend) {
        Tensor keys = Tensor.arange(tk).to(backend);
        Tensor queries = Tensor.arange(offset, offset + tq, 1).to(backend);
        return backend.binary(BinaryOp.GT, keys.reshape(1, tk), queries.reshape(tq, 1));
    }

    /** The projection to queries, keys and values, C -> 3C. */
    public Linear qkv() {
        return qkv;
    }

    /** The output projection C -> C back into the residual stream. */
    public Linear proj() {
        return proj;
    }

    @Override
    protected String extraRepr() {
        return "heads=" + heads;
    }
}
