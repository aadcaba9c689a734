package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.DOUBLES;
import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;
import static dev.descent.core.cpu.VectorMath.W;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The fused row kernels of {@link CpuFused} on the Vector API, same equations, same arguments: softmax,
 * cross-entropy, layer norm, and GPT-2's tanh GELU (alone, and after a bias in the MLP's bias + GELU). Each row
 * is read from memory once and written once; the
 * passes after the first run on the row while it is still in cache (a row of 50,304 logits is 197 KiB, inside
 * L2). Sums are float, per lane, instead of the reference's double.
 */
final class VectorFused implements FusedKernels {
    static final VectorFused INSTANCE = new VectorFused();

    /** Row blocks of the layer-norm backward, each with its own dγ, dβ partial sums, added in block order. */
    private static final int GRADIENT_BLOCKS = 16;
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float GELU_CUBIC = 0.044715f;
    /** Each thread's partial dγ, dβ sums of the layer-norm backward, grown to the widest call it ran. */
    private static final ThreadLocal<float[]> GRADIENT_PARTIALS = ThreadLocal.withInitial(() -> new float[0]);
    /** Each thread's one vector of GELU inputs for the last elements of an array or row. */
    private static final ThreadLocal<float[]> GELU_TAIL = ThreadLocal.withInitial(() -> new float[L]);

    private VectorFused() {
    }

    /**
     * y = softmax(x) = e^(x−m)/Σe^(x−m), or log-softmax y = x − m − log Σe^(x−m), per row; m the row's max, found
     * in the walk that writes the row before it (see {@link VectorRows#affineAndMax}). Not in the walk of the exps, as
     * cross-entropy in place does: there, with the output a second array, three rows of 4c bytes share L2 (the input,
     * the output, the next row coming in), and softmax ran 1.2 to 1.4 times as long (docs/PERFORMANCE.md, session 30).
     * Log-softmax only sums its exps.
     */
    @Override
    public void softmax(float[] x, float[] y, int rows, int c, boolean log) {
        Parallel.forRange(rows, 3L * c, (from, to) -> {
            float max = from < to ? VectorRows.max(x, from * c, c) : 0f;
            for (int r = from; r < to; r++) {
                int off = r * c;
                int next = r + 1 < to ? off + c : off;
                if (log) {
                    float sum = VectorRows.expSum(x, off, c, max);
                    max = VectorRows.affineAndMax(x, off, y, off, c, 1f, -(max + (float) Math.log(sum)), x, next);
                } else {
                    float sum = VectorRows.exp(x, y, off, c, max);
                    max = VectorRows.affineAndMax(y, off, y, off, c, 1f / sum, 0f, x, next);
                }
            }
        });
    }

    /** Softmax: dx = y⊙(g − Σ g⊙y).  Log-softmax: dx = g − e^y·Σ g. */
    @Override
    public void softmaxBackward(float[] y, float[] g, float[] dx, int rows, int c, boolean log) {
        Parallel.forRange(rows, 3L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                float dot = log ? VectorRows.sum(g, off, c, 0f) : VectorRows.dot(g, off, y, off, c);
                int j = 0;
                for (int bound = VectorMath.bound(c); j < bound; j += L) {
                    FloatVector yv = FloatVector.fromArray(SPECIES, y, off + j);
                    FloatVector gv = FloatVector.fromArray(SPECIES, g, off + j);
                    FloatVector d = log ? VectorMath.exp(yv).fma(VectorMath.constant(-dot), gv) : yv.mul(gv.sub(dot));
                    d.intoArray(dx, off + j);
                }
                for (; j < c; j++) {
                    float yj = y[off + j];
                    dx[off + j] = log ? g[off + j] - (float) Math.exp(yj) * dot : yj * (g[off + j] - dot);
                }
            }
        });
    }

    /**
     * The columns' double sums a vector of L floats at a time, in two vectors of L/2 doubles held in registers for
     * the whole walk down the rows (each float widened exactly, added in the order of k, as the default adds); the
     * last width mod L columns by the default.
     */
    @Override
    public void columnSums(float[] x, int off, int n, int stride, int width, float[] out, int outOff) {
        int bound = width - width % L;
        for (int i = 0; i < bound; i += L) {
            DoubleVector low = DoubleVector.zero(DOUBLES);
            DoubleVector high = low;
            for (int k = 0; k < n; k++) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, off + k * stride + i);
                low = low.add(v.convertShape(VectorOperators.F2D, DOUBLES, 0));
                high = high.add(v.convertShape(VectorOperators.F2D, DOUBLES, 1));
            }
            // lane by lane: a store of a double vector is boxed by JDK 17's C2 (see VectorRows.sumOfSquares)
            for (int t = 0; t < L / 2; t++) {
                out[outOff + i + t] = (float) low.lane(t);
                out[outOff + i + L / 2 + t] = (float) high.lane(t);
            }
        }
        FusedKernels.super.columnSums(x, off + bound, n, stride, width - bound, out, outOff + bound);
    }

    /**
     * μ = mean(x), σ² = mean((x−μ)²), rstd = 1/√(σ²+ε), y = γ(x−μ)rstd + β, per row. The sums run on x − x₀
     * (x₀ the row's first element, so the differences are exact): μ = x₀ + mean(x − x₀) and x − μ = (x − x₀) − μ'
     * keep the precision a float μ would lose when |μ| is large next to σ.
     */
    @Override
    public void layerNorm(float[] x, float[] gamma, float[] beta, float eps, float[] y, float[] mean,
                          float[] rstd, int rows, int c) {
        Parallel.forRange(rows, 4L * c, (from, to) -> {
            float[] nextSum = new float[1];
            float sum = from < to ? VectorRows.sum(x, from * c, c, x[from * c]) : 0f;
            for (int r = from; r < to; r++) {
                int off = r * c;
                float shift = x[off];
                float mu = sum / c;
                int next = r + 1 < to ? off + c : off;
                float squares = VectorRows.squaredDeviationsAndNextSum(x, off, c, shift, mu, next, x[next], nextSum);
                float rs = (float) (1 / Math.sqrt(squares / c + eps));
                sum = nextSum[0];
                int j = 0;
                for (int bound = VectorMath.bound(c); j < bound; j += L) {
                    FloatVector xh = FloatVector.fromArray(SPECIES, x, off + j).sub(shift).sub(mu).mul(rs);
                    xh.fma(FloatVector.fromArray(SPECIES, gamma, j), FloatVector.fromArray(SPECIES, beta, j))
                            .intoArray(y, off + j);
                }
                for (; j < c; j++) {
                    y[off + j] = (x[off + j] - shift - mu) * rs * gamma[j] + beta[j];
                }
                mean[r] = shift + mu;
                rstd[r] = rs;
            }
        });
    }

    /**
     * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = g⊙γ and x̂ = (x−μ)·rstd;  dγ = Σ_rows g⊙x̂;  dβ = Σ_rows g.
     * The row sums for dγ and dβ are kept per block of rows and added in block order, so the result does not
     * depend on how many cores ran. With {@code accumulate}, dx ← dx + that.
     */
    @Override
    public void layerNormBackward(float[] g, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dx,
                                  float[] dgamma, float[] dbeta, int rows, int c, boolean accumulate) {
        int blocks = Math.min(rows, GRADIENT_BLOCKS);
        float[] partial = gradientPartials(blocks * 2 * c);
        Parallel.forRange(blocks, 8L * c * rows / Math.max(blocks, 1), (from, to) -> {
            for (int block = from; block < to; block++) {
                int dg = block * 2 * c;
                int db = dg + c;
                for (int r = rows * block / blocks; r < rows * (block + 1) / blocks; r++) {
                    layerNormBackwardRow(g, x, gamma, mean[r], rstd[r], dx, r * c, c, accumulate, partial, dg, db);
                }
            }
        });
        Arrays.fill(dgamma, 0f);
        Arrays.fill(dbeta, 0f);
        for (int block = 0; block < blocks; block++) {
            for (int j = 0; j < c; j++) {
                dgamma[j] += partial[block * 2 * c + j];
                dbeta[j] += partial[block * 2 * c + c + j];
            }
        }
    }

    /** This thread's partial sums of the layer-norm backward, {@code n} of them zeroed (a new array when longer). */
    private static float[] gradientPartials(int n) {
        float[] partials = GRADIENT_PARTIALS.get();
        if (partials.length < n) {
            partials = new float[n];
            GRADIENT_PARTIALS.set(partials);
        } else {
            Arrays.fill(partials, 0, n, 0f);
        }
        return partials;
    }

    /**
     * One row of {@link #layerNormBackward}: dx, and g⊙x̂ and g added to the partial sums at dg and db. The row's
     * Σ ĝ and Σ ĝ⊙x̂ are kept in {@link VectorMath#W} lanes each, as {@link VectorRows} keeps its sums.
     */
    private static void layerNormBackwardRow(float[] g, float[] x, float[] gamma, float mu, float rs, float[] dx,
                                             int off, int c, boolean accumulate, float[] partial, int dg, int db) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        for (int q = 0; q < W; q += L) {
            FloatVector sumG = FloatVector.zero(SPECIES);
            FloatVector sumGx = sumG;
            for (int j = q; j < bound; j += W) {
                FloatVector gv = FloatVector.fromArray(SPECIES, g, off + j);
                FloatVector xh = FloatVector.fromArray(SPECIES, x, off + j).sub(mu).mul(rs);
                FloatVector gh = gv.mul(FloatVector.fromArray(SPECIES, gamma, j));
                sumG = sumG.add(gh);
                sumGx = gh.fma(xh, sumGx);
                gv.fma(xh, FloatVector.fromArray(SPECIES, partial, dg + j)).intoArray(partial, dg + j);
                gv.add(FloatVector.fromArray(SPECIES, partial, db + j)).intoArray(partial, db + j);
            }
            sumG.intoArray(lanes, q);
            sumGx.intoArray(lanes, W + q);
        }
        float meanG = VectorMath.sum(lanes, 0);
        float meanGx = VectorMath.sum(lanes, W);
        for (int j = bound; j < c; j++) {
            float xh = (x[off + j] - mu) * rs;
            float gh = g[off + j] * gamma[j];
            meanG += gh;
            meanGx += gh * xh;
            partial[dg + j] += g[off + j] * xh;
            partial[db + j] += g[off + j];
        }
        meanG /= c;
        meanGx /= c;
        for (int j = 0; j < bound; j += L) {
            FloatVector xh = FloatVector.fromArray(SPECIES, x, off + j).sub(mu).mul(rs);
            FloatVector gh = FloatVector.fromArray(SPECIES, g, off + j).mul(FloatVector.fromArray(SPECIES, gamma, j));
            FloatVector d = gh.sub(meanG).sub(xh.mul(meanGx)).mul(rs);
            (accumulate ? FloatVector.fromArray(SPECIES, dx, off + j).add(d) : d).intoArray(dx, off + j);
        }
        for (int j = bound; j < c; j++) {
            float xh = (x[off + j] - mu) * rs;
            float d = (g[off + j] * gamma[j] - meanG - xh * meanGx) * rs;
            dx[off + j] = accumulate ? dx[off + j] + d : d;
        }
    }

    @Override
    public double logSumExp(float[] x, int off, int c) {
        float max = VectorRows.max(x, off, c);
        return max + Math.log(VectorRows.expSum(x, off, c, max));
    }

    @Override
    public double sum(float[] x, int off, int c) {
        return VectorRows.sum(x, off, c, 0f);
    }

    /**
     * As the interface's default, row by row, with each row's exps in the same walk as the next row's max (see
     * {@link VectorRows#expAndMax}): the next row streams in from memory while this one computes.
     */
    @Override
    public void crossEntropyInPlace(float[] logits, int[] targets, float[] loss, int rows, int c, int ignoreIndex) {
        Parallel.forRange(rows, 2L * c, (from, to) -> {
            float[] nextMax = new float[1];
            float max = from < to ? VectorRows.max(logits, from * c, c) : 0f;
            for (int r = from; r < to; r++) {
                int off = r * c;
                int next = r + 1 < to ? off + c : off;
                if (targets[r] == ignoreIndex) {
                    nextMax[0] = VectorRows.max(logits, next, c);
                    Arrays.fill(logits, off, off + c, 0f);
                    loss[r] = 0f;
                } else {
                    float picked = logits[off + targets[r]];
                    loss[r] = (float) (gradientRow(logits, logits, off, c, max, next, nextMax, targets[r], 1.0, 0f)
                            - picked);
                }
                max = nextMax[0];
            }
        });
    }

    @Override
    public double gradientRow(float[] x, float[] d, int off, int c, int target, double g, float smoothing) {
        return gradientRow(x, d, off, c, VectorRows.max(x, off, c), off, new float[1], target, g, smoothing);
    }

    /**
     * d = g·(p − (1−ε)·onehot(t) − ε/C) for the row at off of max m, returning its lse = m + log Σ e^(x−m):
     * e^(x−m) is written to d and summed in one walk (with the max of the row at next into {@code nextMax[0]}),
     * then scaled in place.
     */
    private static double gradientRow(float[] x, float[] d, int off, int c, float max, int next, float[] nextMax,
                                      int target, double g, float smoothing) {
        float sum = VectorRows.expAndMax(x, d, off, c, max, next, nextMax);
        VectorRows.affine(d, off, d, off, c, (float) (g / sum), (float) (-g * smoothing / c));
        d[off + target] -= (float) (g * (1 - smoothing));
        return max + Math.log(sum);
    }

    /**
     * GELU, tanh form: y = ½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³). σ(2u) comes from
     * q = e^(−2|u|) ≤ 1: σ(2u) = 1/(1 + q) for u ≥ 0 and q/(1 + q) below, which neither overflows nor cancels.
     */
    static void geluTanh(float[] x, float[] y) {
        gelu(x, y, false);
    }

    /**
     * dGELU/dx = ½(1 + t) + ½x(1 − t²)·u', t = tanh u, u' = √(2/π)(1 + 3·0.044715x²); with s = σ(2u) as in
     * {@link #geluTanh}: ½(1 + t) = s and ¼(1 − t²) = s(1 − s) = q/(1 + q)², so dGELU/dx = s + 2x·u'·q/(1 + q)².
     */
    static void geluTanhGrad(float[] x, float[] y) {
        gelu(x, y, true);
    }

    /**
     * y = GELU(x), or its derivative, whole vectors on all cores, the last x.length mod L elements through one
     * vector of {@link #geluTail}: every element gets the bits of its value, wherever it sits.
     */
    private static void gelu(float[] x, float[] y, boolean gradient) {
        int vectors = x.length / L;
        Parallel.forRange(vectors, 30L * L, (from, to) -> {
            if (gradient) {
                geluSlopes(x, y, from * L, to * L);
            } else {
                geluValues(x, y, from * L, to * L);
            }
        });
        int start = vectors * L;
        float[] tail = GELU_TAIL.get();
        System.arraycopy(x, start, tail, 0, x.length - start);
        geluTail(tail, gradient);
        System.arraycopy(tail, 0, y, start, x.length - start);
    }

    /** y = gelu(h + b) per element, the GELU of {@link #geluTanh} on u = h + b rounded to float. */
    @Override
    public void biasGelu(float[] h, float[] bias, float[] y, int rows, int n) {
        biasGelu(null, h, bias, y, rows, n);
    }

    /** du = dy ⊙ gelu'(h + b) per element, the derivative of {@link #geluTanhGrad} on u = h + b. */
    @Override
    public void biasGeluBackward(float[] dy, float[] h, float[] bias, float[] du, int rows, int n) {
        biasGelu(dy, h, bias, du, rows, n);
    }

    /**
     * out = gelu(h + b) when dy is null, else dy ⊙ gelu'(h + b): whole vectors of each row, then its last
     * n mod L elements through one vector of {@link #geluTail}, so that GELU's bits do not depend on the row
     * length (the composition, a bias add and the unary GELU, gives the same).
     */
    private static void biasGelu(float[] dy, float[] h, float[] bias, float[] out, int rows, int n) {
        boolean gradient = dy != null;
        Parallel.forRange(rows, 30L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * n;
                int j = gradient ? biasGeluSlopes(dy, h, bias, out, off, n) : biasGeluValues(h, bias, out, off, n);
                if (j == n) {
                    continue;
                }
                float[] tail = GELU_TAIL.get();
                for (int t = 0; j + t < n; t++) {
                    tail[t] = h[off + j + t] + bias[j + t];
                }
                geluTail(tail, gradient);
                for (int t = 0; j + t < n; t++) {
                    out[off + j + t] = gradient ? dy[off + j + t] * tail[t] : tail[t];
                }
            }
        });
    }

    /** tail[0 .. L) ← GELU or its derivative of itself, as one vector (lanes past the inputs hold leftovers). */
    private static void geluTail(float[] tail, boolean gradient) {
        if (gradient) {
            geluSlopes(tail, tail, 0, L);
        } else {
            geluValues(tail, tail, 0, L);
        }
    }

    /*
     * The value and the slope have loops and methods of their own, without a flag to choose between them, and only
     * these loops call them (a row's tail too goes through one). With one method for both, C2 on JDK 17 sometimes
     * compiled GELU's loop with every vector an object (1.2 MB of garbage a call at 256 × 768; ArrayReuseTest failed
     * 3 times in 3 when run after the matmul tests on a busy machine), and so it did bias + GELU's loop while that
     * had the flag (5.5 MB a call at 64 × 3072 in ArrayReuseTest, about 370 MB a step of GPT-2 124M's training on an
     * AVX-512 Xeon).
     */

    /** out[off + j] = GELU(h[off + j] + b[j]) for the whole vectors of a row of n; returns the index past them. */
    private static int biasGeluValues(float[] h, float[] bias, float[] out, int off, int n) {
        int j = 0;
        for (int bound = SPECIES.loopBound(n); j < bound; j += L) {
            FloatVector u = FloatVector.fromArray(SPECIES, h, off + j).add(FloatVector.fromArray(SPECIES, bias, j));
            geluValue(u).intoArray(out, off + j);
        }
        return j;
    }

    /** du[off + j] = dy[off + j]·GELU'(h[off + j] + b[j]), the row's whole vectors; returns the index past them. */
    private static int biasGeluSlopes(float[] dy, float[] h, float[] bias, float[] du, int off, int n) {
        int j = 0;
        for (int bound = SPECIES.loopBound(n); j < bound; j += L) {
            FloatVector u = FloatVector.fromArray(SPECIES, h, off + j).add(FloatVector.fromArray(SPECIES, bias, j));
            geluSlope(u).mul(FloatVector.fromArray(SPECIES, dy, off + j)).intoArray(du, off + j);
        }
        return j;
    }

    /** y[from .. to) = GELU(x[from .. to)), whole vectors. */
    private static void geluValues(float[] x, float[] y, int from, int to) {
        for (int j = from; j < to; j += L) {
            geluValue(FloatVector.fromArray(SPECIES, x, j)).intoArray(y, j);
        }
    }

    /** y[from .. to) = GELU'(x[from .. to)), whole vectors. */
    private static void geluSlopes(float[] x, float[] y, int from, int to) {
        for (int j = from; j < to; j += L) {
            geluSlope(FloatVector.fromArray(SPECIES, x, j)).intoArray(y, j);
        }
    }

    /** GELU(v) = v·σ(2u), lane by lane, as in {@link #geluTanh}. */
    private static FloatVector geluValue(FloatVector v) {
        FloatVector u = geluArgument(v);
        FloatVector q = VectorMath.expOfNonPositive(u.abs().mul(-2f));
        FloatVector r = VectorMath.constant(1f).div(q.add(1f));
        return v.mul(r.blend(q.mul(r), u.lt(0f)));
    }

    /** GELU'(v) = s + 2v·u'·q·r², r = 1/(1 + q), lane by lane, as in {@link #geluTanhGrad}. */
    private static FloatVector geluSlope(FloatVector v) {
        FloatVector u = geluArgument(v);
        FloatVector q = VectorMath.expOfNonPositive(u.abs().mul(-2f));
        FloatVector r = VectorMath.constant(1f).div(q.add(1f));
        FloatVector s = r.blend(q.mul(r), u.lt(0f));
        FloatVector du = v.mul(v).fma(3 * GELU_CUBIC * SQRT_2_OVER_PI, SQRT_2_OVER_PI);
        return v.mul(du).mul(q).mul(r).mul(r).mul(2f).add(s);
    }

    /** u = √(2/π)(x + 0.044715x³). */
    private static FloatVector geluArgument(FloatVector x) {
        return x.mul(x).fma(GELU_CUBIC, 1f).mul(x).mul(SQRT_2_OVER_PI);
    }
}
