package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.DOUBLES;
import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;
import static dev.descent.core.cpu.VectorMath.W;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * One pass over one row {@code [off, off + c)} of a float array, on vectors: the building blocks of the fused
 * row kernels. Each loop runs the whole blocks of {@link VectorMath#W} floats, then the last {@code c mod W}
 * elements one at a time in plain Java (JDK 17 runs masked vector loads and stores on a slow path, about 200 times
 * slower). Sums are kept per lane in float, lane j mod W for element j, in one sweep of the row per vector of a
 * block (one sweep with AVX-512, two with AVX2), and the W lanes are added in order at the end: the same bits on
 * every machine. Each sum writes its loops out rather than taking its term as a lambda: one call site shared by
 * several lambdas is not inlined by C2, and a vector passed through a call that is not inlined is boxed.
 */
final class VectorRows {
    /** Each thread's W lane sums in double. */
    private static final ThreadLocal<double[]> DOUBLE_LANES = ThreadLocal.withInitial(() -> new double[W]);

    private VectorRows() {
    }

    /**
     * Σ_j x[off + j]² in double: each float widened to double (so each square is exact), lane j mod W for element j
     * (the first L/2 elements of a vector in one double vector, the next L/2 in another), the W lanes added in
     * order, then the last c mod W elements: the same bits on every machine. The plain loop of
     * {@code CpuOptim} adds in another order, so the two can differ in a double's last bits.
     */
    static double sumOfSquares(float[] x, int off, int c) {
        int bound = VectorMath.bound(c);
        double[] lanes = DOUBLE_LANES.get();
        for (int q = 0; q < W; q += L) {
            DoubleVector low = DoubleVector.zero(DOUBLES);
            DoubleVector high = low;
            for (int j = q; j < bound; j += W) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, off + j);
                // s ← s + x·x, exact product: fma of the widened floats rounds once, as s + (double) x·x does
                DoubleVector first = (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
                DoubleVector second = (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 1);
                low = first.fma(first, low);
                high = second.fma(second, high);
            }
            // lane by lane, not intoArray: JDK 17's C2 does not compile the store of a double vector here and boxes
            // both sums instead (192 bytes a call, 1.4 MB a GPT-2 124M step); the lane reads compile to extracts
            for (int t = 0; t < L / 2; t++) {
                lanes[q + t] = low.lane(t);
                lanes[q + L / 2 + t] = high.lane(t);
            }
        }
        double sum = 0;
        for (double lane : lanes) {
            sum += lane;
        }
        for (int j = bound; j < c; j++) {
            sum += (double) x[off + j] * x[off + j];
        }
        return sum;
    }

    /**
     * max_j x[j] (exact in any order), in four chains of vectors: Java's lane-wise max is a sequence of several
     * instructions, and one chain of them ran at a quarter of the speed (AMD EPYC, Zen 5).
     */
    static float max(float[] x, int off, int c) {
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int j = 0;
        for (int bound = c - c % (4 * L); j < bound; j += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(SPECIES, x, off + j));
            m1 = m1.max(FloatVector.fromArray(SPECIES, x, off + j + L));
            m2 = m2.max(FloatVector.fromArray(SPECIES, x, off + j + 2 * L));
            m3 = m3.max(FloatVector.fromArray(SPECIES, x, off + j + 3 * L));
        }
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            m0 = m0.max(FloatVector.fromArray(SPECIES, x, off + j));
        }
        float max = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; j < c; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }

    /** Σ_j (x[j] − shift). */
    static float sum(float[] x, int off, int c, float shift) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        for (int q = 0; q < W; q += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = q; j < bound; j += W) {
                acc = acc.add(FloatVector.fromArray(SPECIES, x, off + j).sub(shift));
            }
            acc.intoArray(lanes, q);
        }
        float sum = VectorMath.sum(lanes, 0);
        for (int j = bound; j < c; j++) {
            sum += x[off + j] - shift;
        }
        return sum;
    }

    /** Σ_j x[off + j]·y[yOff + j]. */
    static float dot(float[] x, int off, float[] y, int yOff, int c) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        for (int q = 0; q < W; q += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = q; j < bound; j += W) {
                acc = FloatVector.fromArray(SPECIES, x, off + j).fma(FloatVector.fromArray(SPECIES, y, yOff + j), acc);
            }
            acc.intoArray(lanes, q);
        }
        float sum = VectorMath.sum(lanes, 0);
        for (int j = bound; j < c; j++) {
            sum += x[off + j] * y[yOff + j];
        }
        return sum;
    }

    /**
     * Σ_j ((x[j] − shift) − μ)² of the row at off, returned, and in the same walk Σ_j (x[next + j] − nextShift)
     * into {@code nextSum[0]}: the next row streams in from memory while this row's sum runs, and the two sums'
     * dependency chains overlap. A row with none after it passes its own offset and ignores {@code nextSum}.
     */
    static float squaredDeviationsAndNextSum(float[] x, int off, int c, float shift, float mu, int next,
                                             float nextShift, float[] nextSum) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        for (int q = 0; q < W; q += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            FloatVector nextAcc = acc;
            for (int j = q; j < bound; j += W) {
                FloatVector d = FloatVector.fromArray(SPECIES, x, off + j).sub(shift).sub(mu);
                acc = d.fma(d, acc);
                nextAcc = nextAcc.add(FloatVector.fromArray(SPECIES, x, next + j).sub(nextShift));
            }
            acc.intoArray(lanes, q);
            nextAcc.intoArray(lanes, W + q);
        }
        float sum = VectorMath.sum(lanes, 0);
        float following = VectorMath.sum(lanes, W);
        for (int j = bound; j < c; j++) {
            float d = x[off + j] - shift - mu;
            sum += d * d;
            following += x[next + j] - nextShift;
        }
        nextSum[0] = following;
        return sum;
    }

    /** y[j] = e^(x[j] − shift) (y may be x) for a shift at least the row's max, returning Σ_j y[j]. */
    static float exp(float[] x, float[] y, int off, int c, float shift) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        for (int q = 0; q < W; q += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = q; j < bound; j += W) {
                FloatVector e = VectorMath.expOfNonPositive(FloatVector.fromArray(SPECIES, x, off + j).sub(shift));
                e.intoArray(y, off + j);
                acc = acc.add(e);
            }
            acc.intoArray(lanes, q);
        }
        float sum = VectorMath.sum(lanes, 0);
        for (int j = bound; j < c; j++) {
            y[off + j] = (float) Math.exp(x[off + j] - shift);
            sum += y[off + j];
        }
        return sum;
    }

    /**
     * {@link #exp} of the row at off, and in the same walk max_j x[next + j] into {@code nextMax[0]}. With next the
     * following row, that row streams in from memory while this one's exps run; a row with none after it passes
     * its own offset and ignores {@code nextMax}. The max keeps one chain here (see {@link #max}): the exps hide its
     * wait, and two or four chains taking turns ran slower.
     */
    static float expAndMax(float[] x, float[] y, int off, int c, float shift, int next, float[] nextMax) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        float m = Float.NEGATIVE_INFINITY;
        for (int q = 0; q < W; q += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (int j = q; j < bound; j += W) {
                FloatVector e = VectorMath.expOfNonPositive(FloatVector.fromArray(SPECIES, x, off + j).sub(shift));
                e.intoArray(y, off + j);
                acc = acc.add(e);
                max = max.max(FloatVector.fromArray(SPECIES, x, next + j));
            }
            acc.intoArray(lanes, q);
            m = Math.max(m, max.reduceLanes(VectorOperators.MAX));
        }
        float sum = VectorMath.sum(lanes, 0);
        for (int j = bound; j < c; j++) {
            y[off + j] = (float) Math.exp(x[off + j] - shift);
            sum += y[off + j];
            m = Math.max(m, x[next + j]);
        }
        nextMax[0] = m;
        return sum;
    }

    /** Σ_j e^(x[j] − shift) for a shift at least the row's max, nothing written. */
    static float expSum(float[] x, int off, int c, float shift) {
        int bound = VectorMath.bound(c);
        float[] lanes = VectorMath.lanes();
        for (int q = 0; q < W; q += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = q; j < bound; j += W) {
                acc = acc.add(VectorMath.expOfNonPositive(FloatVector.fromArray(SPECIES, x, off + j).sub(shift)));
            }
            acc.intoArray(lanes, q);
        }
        float sum = VectorMath.sum(lanes, 0);
        for (int j = bound; j < c; j++) {
            sum += (float) Math.exp(x[off + j] - shift);
        }
        return sum;
    }

    /**
     * {@link #affine}, and in the same walk max_j z[next + j], returned: with z the kernel's input and next its
     * following row, that row streams in from memory while this one is written (see {@link #expAndMax}). The max
     * runs in four chains, as in {@link #max}: with one, each step waited for the last one's several instructions,
     * and a softmax row of 50,304 in L2 took 20.7 µs on one core, 16.7 with four (AMD EPYC, Zen 5); every element
     * below {@code bound(c)} is still written by the vector loop, so the bits do not depend on the vector width.
     */
    static float affineAndMax(float[] x, int off, float[] y, int yOff, int c, float scale, float shift, float[] z,
                              int next) {
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int j = 0;
        for (int bound = c - c % (4 * L); j < bound; j += 4 * L) {
            FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift).intoArray(y, yOff + j);
            m0 = m0.max(FloatVector.fromArray(SPECIES, z, next + j));
            FloatVector.fromArray(SPECIES, x, off + j + L).fma(scale, shift).intoArray(y, yOff + j + L);
            m1 = m1.max(FloatVector.fromArray(SPECIES, z, next + j + L));
            FloatVector.fromArray(SPECIES, x, off + j + 2 * L).fma(scale, shift).intoArray(y, yOff + j + 2 * L);
            m2 = m2.max(FloatVector.fromArray(SPECIES, z, next + j + 2 * L));
            FloatVector.fromArray(SPECIES, x, off + j + 3 * L).fma(scale, shift).intoArray(y, yOff + j + 3 * L);
            m3 = m3.max(FloatVector.fromArray(SPECIES, z, next + j + 3 * L));
        }
        for (int bound = VectorMath.bound(c); j < bound; j += L) {
            FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift).intoArray(y, yOff + j);
            m0 = m0.max(FloatVector.fromArray(SPECIES, z, next + j));
        }
        float m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; j < c; j++) {
            y[yOff + j] = x[off + j] * scale + shift;
            m = Math.max(m, z[next + j]);
        }
        return m;
    }

    /** y[yOff + j] = x[off + j]·scale + shift (y may be x). */
    static void affine(float[] x, int off, float[] y, int yOff, int c, float scale, float shift) {
        int j = 0;
        for (int bound = VectorMath.bound(c); j < bound; j += L) {
            FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift).intoArray(y, yOff + j);
        }
        for (; j < c; j++) {
            y[yOff + j] = x[off + j] * scale + shift;
        }
    }

    /**
     * y[yOff + j] = Σ_{k &lt; n} w[wOff + k]·x[xOff + k·stride + j] for j &lt; c, or y[yOff + j] plus that with
     * {@code accumulate}: the weighted sum of n rows of x, with the bits of n axpy passes (y += w[k]·x_k) into zeros
     * (or into y), the same multiply-adds in the order of k (fused where the vectors run, a product and a sum in the
     * last c mod W elements), but with the sums in registers, two vectors at a time: an axpy chain waits for its own
     * store to come back for every row.
     */
    static void weightedSum(float[] w, int wOff, int n, float[] x, int xOff, int stride, float[] y, int yOff, int c,
                            boolean accumulate) {
        int bound = VectorMath.bound(c);
        int j = 0;
        for (; j + 2 * L <= bound; j += 2 * L) {
            FloatVector s0 = accumulate ? FloatVector.fromArray(SPECIES, y, yOff + j) : FloatVector.zero(SPECIES);
            FloatVector s1 = accumulate ? FloatVector.fromArray(SPECIES, y, yOff + j + L) : FloatVector.zero(SPECIES);
            for (int k = 0; k < n; k++) {
                FloatVector a = FloatVector.broadcast(SPECIES, w[wOff + k]);
                int at = xOff + k * stride + j;
                s0 = FloatVector.fromArray(SPECIES, x, at).fma(a, s0);
                s1 = FloatVector.fromArray(SPECIES, x, at + L).fma(a, s1);
            }
            s0.intoArray(y, yOff + j);
            s1.intoArray(y, yOff + j + L);
        }
        for (; j < bound; j += L) {
            FloatVector s0 = accumulate ? FloatVector.fromArray(SPECIES, y, yOff + j) : FloatVector.zero(SPECIES);
            for (int k = 0; k < n; k++) {
                s0 = FloatVector.fromArray(SPECIES, x, xOff + k * stride + j).fma(VectorMath.constant(w[wOff + k]), s0);
            }
            s0.intoArray(y, yOff + j);
        }
        for (; j < c; j++) {
            float sum = accumulate ? y[yOff + j] : 0f;
            for (int k = 0; k < n; k++) {
                sum += w[wOff + k] * x[xOff + k * stride + j];
            }
            y[yOff + j] = sum;
        }
    }
}
