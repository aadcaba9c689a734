package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * One pass over one row {@code [off, off + c)} of a float array, on vectors: the building blocks of the fused
 * row kernels. Each loop runs whole vectors, then the last partial vector under a mask. Sums are kept per lane
 * in float and added across lanes at the end.
 */
final class VectorRows {
    private VectorRows() {
    }

    /** max_j x[j]. */
    static float max(float[] x, int off, int c) {
        FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(SPECIES, x, off + j));
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(SPECIES, x, off + j, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** Σ_j (x[j] − shift). */
    static float sum(float[] x, int off, int c, float shift) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = acc.add(FloatVector.fromArray(SPECIES, x, off + j).sub(shift));
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            acc = acc.add(FloatVector.fromArray(SPECIES, x, off + j, m).sub(shift), m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Σ_j x[j]·y[yOff + j]. */
    static float dot(float[] x, int off, float[] y, int yOff, int c) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = FloatVector.fromArray(SPECIES, x, off + j).fma(FloatVector.fromArray(SPECIES, y, yOff + j), acc);
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            acc = FloatVector.fromArray(SPECIES, x, off + j, m).fma(FloatVector.fromArray(SPECIES, y, yOff + j, m),
                    acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Σ_j ((x[j] − shift) − μ)². */
    static float squaredDeviations(float[] x, int off, int c, float shift, float mu) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, off + j).sub(shift).sub(mu);
            acc = d.fma(d, acc);
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            FloatVector d = FloatVector.fromArray(SPECIES, x, off + j, m).sub(shift).sub(mu);
            acc = acc.add(d.mul(d), m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** y[j] = e^(x[j] − shift) (y may be x), returning Σ_j y[j]. */
    static float exp(float[] x, float[] y, int off, int c, float shift) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, x, off + j).sub(shift));
            e.intoArray(y, off + j);
            acc = acc.add(e);
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, x, off + j, m).sub(shift));
            e.intoArray(y, off + j, m);
            acc = acc.add(e, m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Σ_j e^(x[j] − shift), nothing written. */
    static float expSum(float[] x, int off, int c, float shift) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, off + j).sub(shift)));
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, off + j, m).sub(shift)), m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** y[j] = x[j]·scale + shift (y may be x). */
    static void affine(float[] x, float[] y, int off, int c, float scale, float shift) {
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift).intoArray(y, off + j);
        }
        if (j < c) {
            VectorMask<Float> m = VectorMath.tail(j, c);
            FloatVector.fromArray(SPECIES, x, off + j, m).fma(scale, shift).intoArray(y, off + j, m);
        }
    }
}
