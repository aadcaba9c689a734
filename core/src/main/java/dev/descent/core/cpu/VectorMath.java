package dev.descent.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float functions on whole vectors for the fused CPU kernels, written with plain vector arithmetic so that every
 * JDK compiles them to the same few instructions (the Vector API's own {@code EXP} depends on the JDK's math
 * library stubs) and every machine computes the same bits; and the one species of the row kernels and attention.
 */
final class VectorMath {
    /**
     * 8 floats wherever the machine has 256-bit vectors (AVX2 and AVX-512 alike), else its preferred species. The
     * row kernels sum per lane, so the lane count decides their rounding: one count for every AVX machine keeps a
     * run's numbers the same on all of them. (Zen 4 runs a 512-bit instruction as two 256-bit halves anyway; the
     * matmul, whose sums do not depend on the lane count, uses the preferred species.)
     */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    static final int L = SPECIES.length();

    private static final float LOG2_E = 1.44269504088896341f;
    /** ln 2 in two parts; n·LN2_HI is exact for |n| < 2⁹, so r = x − n·ln 2 loses nothing. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float below 2²² in magnitude to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    /** Below this e^x is under the smallest normal float; the result is 0 there. */
    private static final float EXP_MIN = -87.33654f;
    /** Above this e^x overflows; inputs are clamped to it (e^88.72 = 3.4·10³⁸). */
    private static final float EXP_MAX = 88.72283f;

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    private VectorMath() {
    }

    /**
     * e^x with at most 2 ulp of relative error for x ≥ −87.3 (0 below; NaN stays NaN): e^x = 2ⁿ·e^r with
     * n = round(x·log₂e) and |r| ≤ ln2/2, e^r from Cephes' degree-7 polynomial of expf, 2ⁿ built in the
     * exponent bits.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.min(EXP_MAX);
        FloatVector shifted = clamped.fma(LOG2_E, ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = clamped.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, constant(8.3334519073e-3f));
        p = p.fma(r, constant(4.1665795894e-2f));
        p = p.fma(r, constant(1.6666665459e-1f));
        p = p.fma(r, constant(5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER) - 127).lanewise(
                VectorOperators.LSHL, 23);
        FloatVector result = p.mul(bits.reinterpretAsFloats());
        return result.blend(0f, x.lt(EXP_MIN));
    }

    /**
     * Σ lanes, added in lane order. Not {@code reduceLanes(ADD)}: the API leaves its order open, and on JDK 25 the
     * JIT-compiled order differs from the interpreter's, so a result would depend on when the JIT got to the code
     * (a resumed training run stopped being bitwise identical to an uninterrupted one).
     */
    static float sum(FloatVector v) {
        float[] lanes = LANES.get();
        v.intoArray(lanes, 0);
        float sum = lanes[0];
        for (int i = 1; i < L; i++) {
            sum += lanes[i];
        }
        return sum;
    }

    /** v in every lane. */
    static FloatVector constant(float v) {
        return FloatVector.broadcast(SPECIES, v);
    }
}
