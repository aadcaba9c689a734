package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * One pass over one row {@code [off, off + c)} of a float array, on vectors: the building blocks of the fused
 * row kernels. Each loop runs whole vectors, then the last {@code c mod L} elements one at a time in plain Java
 * (JDK 17 runs masked vector loads and stores on a slow path, about 200 times slower). Sums are kept per lane in
 * float and added across lanes at the end.
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
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (; j < c; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }

    /** Σ_j (x[j] − shift). */
    static float sum(float[] x, int off, int c, float shift) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = acc.add(FloatVector.fromArray(SPECIES, x, off + j).sub(shift));
        }
        float sum = VectorMath.sum(acc);
        for (; j < c; j++) {
            sum += x[off + j] - shift;
        }
        return sum;
    }

    /** Σ_j x[off + j]·y[yOff + j]. */
    static float dot(float[] x, int off, float[] y, int yOff, int c) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = FloatVector.fromArray(SPECIES, x, off + j).fma(FloatVector.fromArray(SPECIES, y, yOff + j), acc);
        }
        float sum = VectorMath.sum(acc);
        for (; j < c; j++) {
            sum += x[off + j] * y[yOff + j];
        }
        return sum;
    }

    /** Σ_j ((x[j] − shift) − μ)². */
    static float squaredDeviations(float[] x, int off, int c, float shift, float mu) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, off + j).sub(shift).sub(mu);
            acc = d.fma(d, acc);
        }
        float sum = VectorMath.sum(acc);
        for (; j < c; j++) {
            float d = x[off + j] - shift - mu;
            sum += d * d;
        }
        return sum;
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
        float sum = VectorMath.sum(acc);
        for (; j < c; j++) {
            y[off + j] = (float) Math.exp(x[off + j] - shift);
            sum += y[off + j];
        }
        return sum;
    }

    /** Σ_j e^(x[j] − shift), nothing written. */
    static float expSum(float[] x, int off, int c, float shift) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(SPECIES, x, off + j).sub(shift)));
        }
        float sum = VectorMath.sum(acc);
        for (; j < c; j++) {
            sum += (float) Math.exp(x[off + j] - shift);
        }
        return sum;
    }

    /** y[yOff + j] = x[off + j]·scale + shift (y may be x). */
    static void affine(float[] x, int off, float[] y, int yOff, int c, float scale, float shift) {
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift).intoArray(y, yOff + j);
        }
        for (; j < c; j++) {
            y[yOff + j] = x[off + j] * scale + shift;
        }
    }

    /** y[yOff + j] += a·x[off + j]. */
    static void axpy(float a, float[] x, int off, float[] y, int yOff, int c) {
        FloatVector av = FloatVector.broadcast(SPECIES, a);
        int j = 0;
        for (int bound = SPECIES.loopBound(c); j < bound; j += L) {
            FloatVector.fromArray(SPECIES, x, off + j).fma(av, FloatVector.fromArray(SPECIES, y, yOff + j))
                    .intoArray(y, yOff + j);
        }
        for (; j < c; j++) {
            y[yOff + j] += a * x[off + j];
        }
    }
}
