package dev.descent.core;

import java.util.List;

/**
 * Fused multi-head causal self-attention from the output of a C → 3C projection, {@code qkv (B, T, 3C)} = [q | k | v],
 * to {@code out (B, T, C)} with the heads merged back. Per batch b and head h (hs = C/heads, head h owns channels
 * h·hs..(h+1)·hs−1 of each third), query t attends to keys 0..t:
 * <pre>
 * lse_t = log Σ_{s≤t} exp(q_t·k_s/√hs)                    saved, (B, heads, T)
 * out_t = Σ_{s≤t} p_ts·v_s,   p_ts = exp(q_t·k_s/√hs − lse_t)
 * </pre>
 * No T×T matrix is kept: backward recomputes p from q, k and lse. With D_t = dout_t·out_t:
 * <pre>
 * dv_s = Σ_{t≥s} p_ts·dout_t
 * ds_ts = p_ts·(dout_t·v_s − D_t)
 * dq_t = Σ_{s≤t} ds_ts·k_s/√hs,   dk_s = Σ_{t≥s} ds_ts·q_t/√hs
 * </pre>
 */
final class CausalAttention implements Op {
    private final Tensor qkv;
    private final int heads;
    private Tensor out;
    private Tensor lse;

    CausalAttention(Tensor qkv, int heads) {
        if (heads <= 0) {
            throw new IllegalArgumentException("causalAttention: heads must be positive, got " + heads
                    + " for qkv " + qkv.shape());
        }
        if (qkv.rank() != 3) {
            throw new IllegalArgumentException("causalAttention: needs qkv of shape (B, T, 3C), got " + qkv.shape());
        }
        int width = qkv.dim(2);
        if (width == 0 || width % (3 * heads) != 0) {
            throw new IllegalArgumentException("causalAttention: the last axis of qkv " + qkv.shape()
                    + " must be a positive multiple of 3·heads = " + 3 * heads + " (q, k and v of " + heads
                    + " heads)" + (width % 3 != 0 ? "; " + width + " is not even divisible by 3" : ""));
        }
        this.qkv = qkv;
        this.heads = heads;
    }

    @Override
    public Tensor forward() {
        Backend.AttentionResult r = qkv.backend().attention(qkv, heads);
        out = r.out();
        lse = r.lse();
        return out;
    }

    /** The per-row log-sum-exp saved by forward, shape {@code (B, heads, T)}. */
    public Tensor lse() {
        return lse;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(qkv);
    }

    @Override
    public void backward(Tensor g) {
        qkv.accumulateGrad(g.backend().attentionBackward(g, qkv, out, lse, heads));
    }

    @Override
    public String name() {
        return "causalAttention";
    }
}
