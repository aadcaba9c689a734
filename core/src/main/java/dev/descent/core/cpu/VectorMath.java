package dev.descent.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float functions on whole vectors for the fused CPU kernels, written with plain vector arithmetic so that every
 * JDK compiles them to the same few instructions (the Vector API's own {@code EXP} depends on the JDK's math
 * library stubs) and every machine computes the same bits; the one species of every CPU kernel; and the
 * {@link #W}-lane sums that keep the row kernels' results the same whatever that species' width.
 */
final class VectorMath {
    /**
     * Lanes of every row kernel's sums, whatever the machine's vectors: element j of a row is added into lane
     * j mod W, the lanes are added in order at the end, and the last c mod W elements of a row run in plain Java.
     * With 16 floats per vector (AVX-512) that is one vector; with 8 (AVX2) two, each summing its own half of
     * every block of W. So AVX2 and AVX-512 machines compute the same bits, and a run's numbers (the lessons'
     * printed outputs) do not depend on which one ran it.
     */
    static final int W = 16;
    /**
     * The one species of every CPU kernel, the machine's preferred one (at most {@link #W} floats). One species in
     * the whole program keeps the Vector API compiled to vector instructions: with two, the code they share sees
     * both vector classes and C2 falls back to plain Java for some stores (measured: the small GPT's step went from
     * 1.3 to 2.5 s).
     */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.length() <= W
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_512;
    static final int L = SPECIES.length();
    /** Double vectors as wide as {@link #SPECIES} ({@code L/2} lanes): the sum of squares widens floats to them. */
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, SPECIES.vectorShape());

    static {
        // every kernel's vector code starts here, so this runs before the JIT compiles any of it
        OperatorProfile.useEveryOperator();
    }

    private static final float LOG2_E = 1.44269504088896341f;
    /**
     * ln 2 in two parts; n·LN2_HI is exact for |n| < 2¹⁵ (LN2_HI has 9 significant bits), so r = x − n·ln 2 loses
     * nothing, and x − n·LN2_HI as one fused multiply-add rounds as the product and the difference apart do.
     */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float below 2²² in magnitude to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    /** Below this e^x is under the smallest normal float; the result is 0 there. */
    private static final float EXP_MIN = -87.33654f;
    /** Above this e^x overflows; inputs are clamped to it (e^88.72 = 3.4·10³⁸). */
    private static final float EXP_MAX = 88.72283f;
    /**
     * The numbers {@link #expOfNonPositive} works with, each float held exactly: log₂e, the rounder, ln 2 in two
     * parts, the least argument, 1, and Cephes' polynomial c₀ … c₅. They are read from this array where they are
     * used, not written in as literals. C2 moves a literal's vector out of every loop around it, and where the
     * outermost of those loops also calls a method it did not inline (softmax's loop over rows, calling a walk too
     * long to inline after the inlined walk of the exps), no vector register survives the call: the exps' loop
     * reloaded all of them from the stack for every vector, and softmax of 1024 × 50,304 took 21 ms in place of
     * 12 in the JVMs where C2 had compiled it that way (docs/PERFORMANCE.md, session 34). A load cannot move above
     * a call, which may write the array, so the numbers are read once a row there; and no loop of exps writes a
     * double[], so the loads move out of it and the vectors stay in registers for the row.
     */
    private static final double[] EXP_TERMS = {LOG2_E, ROUNDER, LN2_HI, LN2_LO, EXP_MIN, 1f, 1.9875691500e-4f,
        1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};

    /** Each thread's lane sums: two sets of {@link #W}. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * W]);

    private VectorMath() {
    }

    /**
     * e^x with at most 2 ulp of relative error for x ≥ −87.3 (0 below; NaN stays NaN): e^x = 2ⁿ·e^r with
     * n = round(x·log₂e) and |r| ≤ ln2/2, e^r from Cephes' degree-7 polynomial of expf, 2ⁿ built in the
     * exponent bits.
     */
    static FloatVector exp(FloatVector x) {
        return expOfNonPositive(x.min(EXP_MAX));
    }

    /**
     * {@link #exp} for arguments that cannot overflow, x ≤ 88.72 (NaN stays NaN), with the same bits there: the
     * row kernels' arguments are differences from a row's maximum (or its log-sum-exp) and GELU's is −2|u|, all
     * ≤ 0. Without the clamp above, which Java's lane-wise min makes a sequence of several instructions, it runs
     * in about two thirds of the time (AMD EPYC, Zen 5).
     */
    static FloatVector expOfNonPositive(FloatVector x) {
        double[] terms = EXP_TERMS;
        float log2e = (float) terms[0];
        float rounder = (float) terms[1];
        float ln2Hi = (float) terms[2];
        float ln2Lo = (float) terms[3];
        float least = (float) terms[4];
        float one = (float) terms[5];
        // n = round(x·log₂e), r = x − n·ln 2
        FloatVector shifted = x.fma(log2e, rounder);
        FloatVector n = shifted.sub(rounder);
        FloatVector r = n.fma(constant(-ln2Hi), x).sub(n.mul(ln2Lo));
        // e^r = 1 + r + r²·(((((c₀r + c₁)r + c₂)r + c₃)r + c₄)r + c₅)
        FloatVector p = r.fma((float) terms[6], (float) terms[7]);
        p = p.fma(r, constant((float) terms[8]));
        p = p.fma(r, constant((float) terms[9]));
        p = p.fma(r, constant((float) terms[10]));
        p = p.fma(r, constant((float) terms[11]));
        p = p.fma(r.mul(r), r).add(one);
        // 2ⁿ: n + 127 in the exponent bits
        IntVector bits = shifted.reinterpretAsInts().sub(Float.floatToRawIntBits(rounder) - 127).lanewise(
                VectorOperators.LSHL, 23);
        FloatVector result = p.mul(bits.reinterpretAsFloats());
        return result.blend(0f, x.lt(least));
    }

    /** Whole blocks of {@link #W} in a row of c: the elements the vector loops take, the rest run in plain Java. */
    static int bound(int c) {
        return c - c % W;
    }

    /** This thread's scratch for lane sums: {@code 2·W} floats, one set of W at 0 and one at W. */
    static float[] lanes() {
        return LANES.get();
    }

    /**
     * Σ lanes[from .. from + W), added in lane order. Not {@code reduceLanes(ADD)}: the API leaves its order open,
     * and on JDK 25 the JIT-compiled order differs from the interpreter's, so a result would depend on when the JIT
     * got to the code (a resumed training run stopped being bitwise identical to an uninterrupted one).
     */
    static float sum(float[] lanes, int from) {
        float sum = lanes[from];
        for (int i = from + 1; i < from + W; i++) {
            sum += lanes[i];
        }
        return sum;
    }

    /** v in every lane. */
    static FloatVector constant(float v) {
        return FloatVector.broadcast(SPECIES, v);
    }
}
