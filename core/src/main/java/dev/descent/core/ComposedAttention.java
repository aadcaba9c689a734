package dev.descent.core;

import static dev.descent.core.BinaryOp.ADD;
import static dev.descent.core.BinaryOp.GT;
import static dev.descent.core.BinaryOp.MUL;
import static dev.descent.core.BinaryOp.SUB;
import static dev.descent.core.ReduceOp.MAX;
import static dev.descent.core.ReduceOp.SUM;
import static dev.descent.core.UnaryOp.EXP;
import static dev.descent.core.UnaryOp.LOG;

import java.util.List;

/**
 * {@link Backend#attention} and its backward written with primitives: the default of every backend and the oracle
 * of the fused versions. Unlike them it builds the {@code (B, heads, T, T)} scores, in a memory scope of its own.
 * Heads are split from {@code qkv (B, T, 3C)} as {@code (B, heads, T, hs)} with hs = C/heads; scale = 1/√hs.
 */
final class ComposedAttention {
    private static final int Q = 0;
    private static final int K = 1;
    private static final int V = 2;

    private ComposedAttention() {
    }

    /** lse_t = log Σ_{s≤t} e^(q_t·k_s·scale), out_t = Σ_{s≤t} e^(q_t·k_s·scale − lse_t)·v_s. */
    static Backend.AttentionResult forward(Backend b, Tensor qkv, int heads) {
        int batch = qkv.dim(0);
        int t = qkv.dim(1);
        try (MemoryScope temps = b.scope()) {
            Tensor q = split(b, qkv, Q, heads);
            Tensor scores = causalScores(b, q, split(b, qkv, K, heads));
            // lse = m + log Σ_s e^(score − m), m the row maximum
            Tensor max = b.reduce(MAX, scores, 3);
            Tensor lse = b.binary(ADD, max,
                    b.unary(LOG, b.reduce(SUM, b.unary(EXP, b.binary(SUB, scores, max)), 3)));
            Tensor p = b.unary(EXP, b.binary(SUB, scores, lse));
            Tensor out = merge(b, b.matmul(p, split(b, qkv, V, heads), false, false));
            temps.keep(out, lse);
            return new Backend.AttentionResult(out, lse.view(Shape.of(batch, heads, t)));
        }
    }

    /**
     * p_ts = e^(q_t·k_s·scale − lse_t) for s ≤ t, D_t = dout_t·out_t, ds_ts = p_ts·(dout_t·v_s − D_t):
     * dv = pᵀ·dout, dq = scale·ds·k, dk = scale·dsᵀ·q. Result {@code dqkv (B, T, 3C)}.
     */
    static Tensor backward(Backend b, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        int batch = qkv.dim(0);
        int t = qkv.dim(1);
        try (MemoryScope temps = b.scope()) {
            Tensor q = split(b, qkv, Q, heads);
            Tensor k = split(b, qkv, K, heads);
            Tensor v = split(b, qkv, V, heads);
            float scale = scale(q);
            Tensor g = heads(b, dout, heads);
            Tensor p = b.unary(EXP, b.binary(SUB, causalScores(b, q, k), lse.view(Shape.of(batch, heads, t, 1))));
            Tensor dv = b.matmul(p, g, true, false);
            Tensor delta = b.reduce(SUM, b.binary(MUL, g, heads(b, out, heads)), 3);
            Tensor ds = b.binary(MUL, p, b.binary(SUB, b.matmul(g, v, false, true), delta));
            Tensor dq = b.binaryScalar(MUL, b.matmul(ds, k, false, false), scale);
            Tensor dk = b.binaryScalar(MUL, b.matmul(ds, q, true, false), scale);
            Tensor dqkv = b.concat(List.of(merge(b, dq), merge(b, dk), merge(b, dv)), 2);
            temps.keep(dqkv);
            return dqkv;
        }
    }

    /** 1/√hs for a {@code (B, heads, T, hs)} tensor. */
    private static float scale(Tensor split) {
        return (float) (1 / Math.sqrt(split.dim(3)));
    }

    /** score_ts = q_t·k_s·scale for s ≤ t and −∞ above the diagonal (s > t): {@code (B, heads, T, T)}. */
    private static Tensor causalScores(Backend b, Tensor q, Tensor k) {
        int t = q.dim(2);
        Tensor scores = b.binaryScalar(MUL, b.matmul(q, k, false, true), scale(q));
        float[] positions = new float[t];
        for (int i = 0; i < t; i++) {
            positions[i] = i;
        }
        // future_ts = s > t
        Tensor future = b.binary(GT, b.fromArray(positions, Shape.of(1, t)), b.fromArray(positions, Shape.of(t, 1)));
        return b.where(future, b.full(Shape.scalar(), Float.NEGATIVE_INFINITY), scores);
    }

    /** Part {@link #Q}, {@link #K} or {@link #V} of {@code qkv (B, T, 3C)} as {@code (B, heads, T, hs)}. */
    private static Tensor split(Backend b, Tensor qkv, int part, int heads) {
        int c = qkv.dim(2) / 3;
        return heads(b, b.slice(qkv, 2, part * c, (part + 1) * c), heads);
    }

    /** {@code x (B, T, C)} as {@code (B, heads, T, hs)}: channel h·hs + d of position t goes to [h, t, d]. */
    private static Tensor heads(Backend b, Tensor x, int heads) {
        Tensor split = x.view(Shape.of(x.dim(0), x.dim(1), heads, x.dim(2) / heads));
        return b.permute(split, new int[] {0, 2, 1, 3});
    }

    /** {@code (B, heads, T, hs)} back to {@code (B, T, C)}, the inverse of {@link #heads}. */
    private static Tensor merge(Backend b, Tensor x) {
        Tensor merged = b.permute(x, new int[] {0, 2, 1, 3});
        return merged.view(Shape.of(x.dim(0), x.dim(2), x.dim(1) * x.dim(3)));
    }
}
