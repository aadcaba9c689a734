package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * {@link CpuAttention}'s causal self-attention on the Vector API, same layout and equations, no T×T matrix. Per
 * (batch, head) pair, k and v are first copied transposed, {@code (hs, T)}: then the scores of one query against
 * all its keys, q·k_s for s ≤ t, are a vector loop over s (a matrix-vector product with unit stride), and so are
 * the dout·v_s of backward; the softmax runs on that row with the vector exp, and the sums over keys (p·v, ds·k)
 * are vector loops over the head's channels. Sums are float.
 */
final class VectorAttention {
    /** Queries whose dk and dv contributions are summed together, key by key (see {@link #backward}). */
    private static final int QUERY_BLOCK = 64;
    private final float[] qkv;
    private final AttentionLayout layout;
    private final int t;
    private final int heads;
    private final int hs;
    private final float scale;
    /** T rounded up to whole vectors: the row length of the transposed k and v, zero-padded. */
    private final int tPad;

    VectorAttention(float[] qkv, int t, int heads, int hs) {
        this.qkv = qkv;
        this.layout = new AttentionLayout(t, heads, hs);
        this.t = t;
        this.heads = heads;
        this.hs = hs;
        this.scale = (float) (1 / Math.sqrt(hs));
        this.tPad = (t + L - 1) / L * L;
    }

    /**
     * The buffers of one (batch, head) pair, one set per thread and shape: a thread keeps the set of the last shape
     * it ran (T and hs; about 1.5 MiB at T 1024, hs 64), so a training step, whose attention calls all have one shape,
     * makes none after its first (made per call they were 21 to 34 MB of garbage per GPT-2 124M step at B4 T64;
     * {@link Parallel}'s workers keep their thread-locals). Every call writes what it reads: the transposes
     * fill positions below T, which the padding up to tPad keeps at zero for a set of one T; dk and dv are
     * cleared per pair; p, dp, acc and the by-key buffers are written before they are read.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> THREAD = new ThreadLocal<>();

        final int t;
        final int hs;
        final float[] keysT;
        final float[] valuesT;
        final float[] p;
        final float[] dp;
        final float[] acc;
        final float[] dk;
        final float[] dv;
        /** p and scale·ds of a block of queries, by key: key k's at {@code k·QUERY_BLOCK + (query − first query)}. */
        final float[] pByKey;
        final float[] dsByKey;

        private Scratch(int t, int hs, int tPad) {
            this.t = t;
            this.hs = hs;
            keysT = new float[hs * tPad];
            valuesT = new float[hs * tPad];
            p = new float[tPad];
            dp = new float[tPad];
            acc = new float[hs];
            dk = new float[t * hs];
            dv = new float[t * hs];
            pByKey = new float[t * QUERY_BLOCK];
            dsByKey = new float[t * QUERY_BLOCK];
        }

        /** This thread's buffers for T = t and head size hs, made when its last call had another shape. */
        static Scratch of(int t, int hs, int tPad) {
            Scratch s = THREAD.get();
            if (s == null || s.t != t || s.hs != hs) {
                s = new Scratch(t, hs, tPad);
                THREAD.set(s);
            }
            return s;
        }
    }

    /** What runs for one (batch b, head h) pair, bh = b·heads + h, with its thread's buffers. */
    @FunctionalInterface
    private interface HeadWork {
        void run(Scratch s, int b, int h, int bh);
    }

    /** Runs {@code work} for every (batch, head) pair, spread over the cores; {@code cost} per pair. */
    private void forEachHead(int batch, long cost, HeadWork work) {
        Parallel.forRange(batch * heads, cost, (from, to) -> {
            Scratch s = Scratch.of(t, hs, tPad);
            for (int bh = from; bh < to; bh++) {
                work.run(s, bh / heads, bh % heads, bh);
            }
        });
    }

    /** transposed[d·tPad + s] = part (1: k, 2: v) of head h at position s, channel d (zeros past T stay). */
    private void transpose(int b, int h, int part, float[] transposed) {
        for (int s = 0; s < t; s++) {
            int o = layout.qkvOffset(b, s, h, part);
            for (int d = 0; d < hs; d++) {
                transposed[d * tPad + s] = qkv[o + d];
            }
        }
    }

    /**
     * For each query t: p_s = e^(score_s − m) over s ≤ t with score_s = scale·q_t·k_s and m their max,
     * out_t = Σ p_s·v_s / Σ p_s, lse_t = m + log Σ p_s.
     */
    void forward(float[] out, float[] lse, int batch) {
        forEachHead(batch, 2L * t * t * hs, (s, b, h, bh) -> {
            transpose(b, h, 1, s.keysT);
            for (int q = 0; q < t; q++) {
                int keys = q + 1;
                matVecTransposed(s.keysT, qkv, layout.qkvOffset(b, q, h, 0), scale, s.p, keys);
                float max = VectorRows.max(s.p, 0, keys);
                float sum = VectorRows.exp(s.p, s.p, 0, keys, max);
                VectorRows.weightedSum(s.p, 0, keys, qkv, layout.qkvOffset(b, 0, h, 2), layout.positionStride(), s.acc,
                        0, hs, false);
                VectorRows.affine(s.acc, 0, out, layout.rowOffset(b, q, h), hs, 1f / sum, 0f);
                lse[bh * t + q] = max + (float) Math.log(sum);
            }
        });
    }

    /**
     * For each query t and key s ≤ t: p = e^(scale·q_t·k_s − lse_t), ds = p·(dout_t·v_s − D_t) with
     * D_t = dout_t·out_t; dq_t = scale·Σ_s ds·k_s, dk_s += scale·ds·q_t, dv_s += p·dout_t. The queries run in
     * blocks of {@link #QUERY_BLOCK}: each query's p and scale·ds are kept by key, and at the end of the block every
     * key's dk_s and dv_s take the block's queries in one sum in registers (the same fused multiply-adds in the same
     * order as one axpy per query and key, which read and wrote the key's rows of dk and dv for every query).
     */
    void backward(float[] dout, float[] out, float[] lse, float[] dqkv, int batch) {
        forEachHead(batch, 5L * t * t * hs, (s, b, h, bh) -> {
            transpose(b, h, 1, s.keysT);
            transpose(b, h, 2, s.valuesT);
            Arrays.fill(s.dk, 0f);
            Arrays.fill(s.dv, 0f);
            for (int q0 = 0; q0 < t; q0 += QUERY_BLOCK) {
                int q1 = Math.min(t, q0 + QUERY_BLOCK);
                for (int q = q0; q < q1; q++) {
                    int keys = q + 1;
                    int qo = layout.qkvOffset(b, q, h, 0);
                    int go = layout.rowOffset(b, q, h);
                    float delta = VectorRows.dot(dout, go, out, go, hs);
                    matVecTransposed(s.keysT, qkv, qo, scale, s.p, keys);
                    VectorRows.exp(s.p, s.p, 0, keys, lse[bh * t + q]);
                    matVecTransposed(s.valuesT, dout, go, 1f, s.dp, keys);
                    for (int k = 0; k < keys; k++) {
                        float ds = s.p[k] * (s.dp[k] - delta);
                        s.pByKey[k * QUERY_BLOCK + q - q0] = s.p[k];
                        s.dsByKey[k * QUERY_BLOCK + q - q0] = scale * ds;
                        s.dp[k] = ds;
                    }
                    VectorRows.weightedSum(s.dp, 0, keys, qkv, layout.qkvOffset(b, 0, h, 1), layout.positionStride(),
                            s.acc, 0, hs, false);
                    VectorRows.affine(s.acc, 0, dqkv, qo, hs, scale, 0f);
                }
                // key k has the block's queries from max(k, q0) on
                for (int k = 0; k < q1; k++) {
                    int first = Math.max(k, q0);
                    int at = k * QUERY_BLOCK + first - q0;
                    VectorRows.weightedSum(s.dsByKey, at, q1 - first, qkv, layout.qkvOffset(b, first, h, 0),
                            layout.positionStride(), s.dk, k * hs, hs, true);
                    VectorRows.weightedSum(s.pByKey, at, q1 - first, dout, layout.rowOffset(b, first, h),
                            layout.rowStride(), s.dv, k * hs, hs, true);
                }
            }
            for (int k = 0; k < t; k++) {
                System.arraycopy(s.dk, k * hs, dqkv, layout.qkvOffset(b, k, h, 1), hs);
                System.arraycopy(s.dv, k * hs, dqkv, layout.qkvOffset(b, k, h, 2), hs);
            }
        });
    }

    /**
     * y[s] = a·Σ_d x[xOff + d]·m[d·tPad + s] for s < n rounded up to whole vectors: one row of x times the
     * (hs, tPad) matrix m. Past n, y holds products with other keys or the zero padding, which callers ignore.
     */
    private void matVecTransposed(float[] m, float[] x, int xOff, float a, float[] y, int n) {
        for (int s = 0; s < n; s += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int d = 0; d < hs; d++) {
                acc = FloatVector.fromArray(SPECIES, m, d * tPad + s).fma(VectorMath.constant(x[xOff + d]), acc);
            }
            acc.mul(a).intoArray(y, s);
        }
    }
}
