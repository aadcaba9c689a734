package dev.descent.core.cpu;

import java.util.Arrays;

/**
 * Causal self-attention on the CPU without a T×T matrix, data in the {@link AttentionLayout}. Work is split over
 * the B·heads (batch, head) pairs; scores are recomputed wherever they are needed, and sums run in double.
 */
final class CpuAttention {
    private final float[] qkv;
    private final AttentionLayout layout;
    private final int t;
    private final int heads;
    private final int hs;
    private final double scale;

    CpuAttention(float[] qkv, int t, int heads, int hs) {
        this.qkv = qkv;
        this.layout = new AttentionLayout(t, heads, hs);
        this.t = t;
        this.heads = heads;
        this.hs = hs;
        this.scale = 1 / Math.sqrt(hs);
    }

    private double dot(float[] x, int xo, float[] y, int yo) {
        double sum = 0;
        for (int d = 0; d < hs; d++) {
            sum += (double) x[xo + d] * y[yo + d];
        }
        return sum;
    }

    /**
     * One pass over keys 0..t per query with a running max m and sum l of e^(score−m): when a score raises the max,
     * l and the output accumulator are rescaled by e^(m_old−m_new). out_t = acc/l, lse_t = m + log l.
     */
    void forward(float[] out, float[] lse, int batch) {
        Parallel.forRange(batch * heads, (long) t * t * hs, (from, to) -> {
            double[] acc = new double[hs];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads;
                int h = bh % heads;
                for (int q = 0; q < t; q++) {
                    int qo = layout.qkvOffset(b, q, h, 0);
                    double max = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    Arrays.fill(acc, 0);
                    for (int s = 0; s <= q; s++) {
                        double score = scale * dot(qkv, qo, qkv, layout.qkvOffset(b, s, h, 1));
                        if (score > max) {
                            double rescale = Math.exp(max - score);
                            sum *= rescale;
                            for (int d = 0; d < hs; d++) {
                                acc[d] *= rescale;
                            }
                            max = score;
                        }
                        double p = Math.exp(score - max);
                        sum += p;
                        int vo = layout.qkvOffset(b, s, h, 2);
                        for (int d = 0; d < hs; d++) {
                            acc[d] += p * qkv[vo + d];
                        }
                    }
                    int oo = layout.rowOffset(b, q, h);
                    for (int d = 0; d < hs; d++) {
                        out[oo + d] = (float) (acc[d] / sum);
                    }
                    lse[bh * t + q] = (float) (max + Math.log(sum));
                }
            }
        });
    }

    /**
     * One pass over the pairs s ≤ t per (b, h): p = exp(q_t·k_s·scale − lse_t), ds = p·(dout_t·v_s − D_t) with
     * D_t = dout_t·out_t; dq_t += ds·k_s, dk_s += ds·q_t, dv_s += p·dout_t, and the scale applied to dq and dk at
     * the end. Scratch: dk and dv of one (b, h), (T, hs) each.
     */
    void backward(float[] dout, float[] out, float[] lse, float[] dqkv, int batch) {
        Parallel.forRange(batch * heads, 2L * t * t * hs, (from, to) -> {
            double[] dq = new double[hs];
            double[] dk = new double[t * hs];
            double[] dv = new double[t * hs];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads;
                int h = bh % heads;
                Arrays.fill(dk, 0);
                Arrays.fill(dv, 0);
                for (int q = 0; q < t; q++) {
                    int qo = layout.qkvOffset(b, q, h, 0);
                    int go = layout.rowOffset(b, q, h);
                    double delta = dot(dout, go, out, go);
                    double rowLse = lse[bh * t + q];
                    Arrays.fill(dq, 0);
                    for (int s = 0; s <= q; s++) {
                        int ko = layout.qkvOffset(b, s, h, 1);
                        int vo = layout.qkvOffset(b, s, h, 2);
                        double p = Math.exp(scale * dot(qkv, qo, qkv, ko) - rowLse);
                        double ds = p * (dot(dout, go, qkv, vo) - delta);
                        for (int d = 0; d < hs; d++) {
                            dq[d] += ds * qkv[ko + d];
                            dk[s * hs + d] += ds * qkv[qo + d];
                            dv[s * hs + d] += p * dout[go + d];
                        }
                    }
                    for (int d = 0; d < hs; d++) {
                        dqkv[qo + d] = (float) (scale * dq[d]);
                    }
                }
                for (int s = 0; s < t; s++) {
                    int ko = layout.qkvOffset(b, s, h, 1);
                    int vo = layout.qkvOffset(b, s, h, 2);
                    for (int d = 0; d < hs; d++) {
                        dqkv[ko + d] = (float) (scale * dk[s * hs + d]);
                        dqkv[vo + d] = (float) dv[s * hs + d];
                    }
                }
            }
        });
    }
}
