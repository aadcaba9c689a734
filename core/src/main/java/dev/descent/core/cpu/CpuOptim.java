package dev.descent.core.cpu;

import dev.descent.core.AdamStep;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The optimizer's fused loops: each reads its tensors once, writes in place and allocates no tensor. The Adam loop
 * rounds exactly as the composed default does (same float operations in the same order), so it is bitwise equal to
 * it, and checks that what it wrote is finite while it is still in cache; the sum of squares adds in double.
 */
final class CpuOptim {
    /**
     * Elements per partial sum of squares. Fixed, so the sum's rounding does not depend on how many cores run it;
     * a multiple of 4, the accumulators of {@link #squares}.
     */
    static final int SUM_BLOCK = 1 << 14;
    /** Elements AdamW writes before it checks them: what it wrote of the block (12 to 16 KiB) is still in L1 then. */
    private static final int CHECK_BLOCK = 1024;

    private CpuOptim() {
    }

    /**
     * {@link AdamStep}'s formula, one pass over each parameter, split across cores when it is large; returns whether
     * every value written is finite, checked block by block right after each block is written (still in L1). θ, v and
     * vmax are checked; m need not be: a NaN or ±∞ in m makes θ − (γ/bc1)·m/d NaN or ±∞ too (d is positive, or ∞ or
     * NaN, and γ/bc1 is finite and at least 0: ∞·0 is NaN).
     */
    static boolean adamStep(AdamStep step, List<AdamStep.Param> params) {
        AtomicBoolean nonFinite = new AtomicBoolean();
        for (AdamStep.Param p : params) {
            AdamStep.Coefficients c = step.coefficients(p);
            float[] theta = CpuBackend.data(p.param());
            float[] grad = CpuBackend.data(p.grad());
            float[] m = CpuBackend.data(p.expAvg());
            float[] v = CpuBackend.data(p.expAvgSq());
            float[] vmax = step.amsgrad() ? CpuBackend.data(p.maxExpAvgSq()) : null;
            Parallel.forRange(theta.length, 16, (from, to) -> {
                for (int b = from; b < to; b += CHECK_BLOCK) {
                    int e = Math.min(to, b + CHECK_BLOCK);
                    adam(c, theta, grad, m, v, vmax, b, e);
                    if (!finite(theta, b, e) || !finite(v, b, e)
                            || vmax != null && !finite(vmax, b, e)) {
                        nonFinite.set(true);
                    }
                }
            });
        }
        return !nonFinite.get();
    }

    /** Whether x[from .. to) holds no NaN and no ±∞ (without the Vector API: Σ (x − x) is 0 exactly then). */
    private static boolean finite(float[] x, int from, int to) {
        if (VectorApi.available()) {
            return FiniteCheck.finite(x, from, to);
        }
        float sum = 0f;
        for (int i = from; i < to; i++) {
            sum += x[i] - x[i];
        }
        return sum == 0f;
    }

    /** Elements [from, to) of one parameter; {@code vmax} is null without AMSGrad. */
    private static void adam(AdamStep.Coefficients c, float[] theta, float[] grad, float[] m, float[] v, float[] vmax,
                             int from, int to) {
        float beta1 = c.beta1();
        float oneMinusBeta1 = c.oneMinusBeta1();
        float beta2 = c.beta2();
        float oneMinusBeta2 = c.oneMinusBeta2();
        float eps = c.eps();
        float gradDecay = c.gradDecay();
        boolean coupled = gradDecay != 0f;
        float paramScale = c.paramScale();
        float stepSize = c.stepSize();
        float rootBc2Inverse = c.rootBc2Inverse();
        for (int i = from; i < to; i++) {
            // g' = g + λ·θ (Adam's coupled decay)
            float g = coupled ? grad[i] + theta[i] * gradDecay : grad[i];
            // m ← β1·m + (1−β1)·g' ;  v ← β2·v + (1−β2)·g'²
            float mi = m[i] * beta1 + g * oneMinusBeta1;
            float vi = v[i] * beta2 + g * g * oneMinusBeta2;
            m[i] = mi;
            v[i] = vi;
            // vmax ← max(vmax, v), used instead of v (AMSGrad)
            if (vmax != null) {
                vi = Math.max(vmax[i], vi);
                vmax[i] = vi;
            }
            // θ ← θ·(1 − γλ) − (γ/bc1)·m/d,  d = √v·(1/√bc2) + ε
            float d = (float) Math.sqrt(vi) * rootBc2Inverse + eps;
            theta[i] = theta[i] * paramScale - mi / d * stepSize;
        }
    }

    /** Σ over {@code xs} of Σ x², in double: per block of {@link #SUM_BLOCK} elements, then the blocks in order. */
    static double sumOfSquares(List<Tensor> xs) {
        double total = 0;
        for (Tensor x : xs) {
            float[] d = CpuBackend.data(x);
            double[] partials = new double[(d.length + SUM_BLOCK - 1) / SUM_BLOCK];
            Parallel.forRange(partials.length, SUM_BLOCK, (from, to) -> {
                for (int b = from; b < to; b++) {
                    partials[b] = squares(d, b * SUM_BLOCK, Math.min(d.length, (b + 1) * SUM_BLOCK));
                }
            });
            for (double s : partials) {
                total += s;
            }
        }
        return total;
    }

    /** Σ x[i]² over [from, to) in double: on vectors where the Vector API is on, else {@link #plainSquares}. */
    private static double squares(float[] x, int from, int to) {
        return VectorApi.available() ? VectorRows.sumOfSquares(x, from, to - from) : plainSquares(x, from, to);
    }

    /** Σ x[i]² over [from, to) in double, four accumulators (element i into i mod 4) to keep the adds in flight. */
    private static double plainSquares(float[] x, int from, int to) {
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            a0 += (double) x[i] * x[i];
            a1 += (double) x[i + 1] * x[i + 1];
            a2 += (double) x[i + 2] * x[i + 2];
            a3 += (double) x[i + 3] * x[i + 3];
        }
        for (; i < to; i++) {
            a0 += (double) x[i] * x[i];
        }
        return (a0 + a1) + (a2 + a3);
    }
}
