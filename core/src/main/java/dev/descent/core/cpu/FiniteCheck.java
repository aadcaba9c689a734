package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Whether a range of floats holds only finite values, on the JDK's Vector API. x − x is +0 for every finite x and
 * NaN for NaN and ±∞, so Σ (x − x) is 0 exactly when the range is finite, and no sum of zeros can overflow. Meant for
 * data just written and still in L1 (the fused AdamW checks each block it writes), where it costs a few vector
 * instructions per 16 floats. Only called when {@link VectorApi#available()}: this class needs the module to load.
 */
final class FiniteCheck {
    private FiniteCheck() {
    }

    /** Whether x[from .. to) holds no NaN and no ±∞. */
    static boolean finite(float[] x, int from, int to) {
        // Σ (x − x): +0 while every x is finite, NaN from the first that is not; four sums, so that the adds of one
        // do not wait for the previous one's
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = from;
        for (; i <= to - 4 * L; i += 4 * L) {
            s0 = s0.add(zeroIfFinite(x, i));
            s1 = s1.add(zeroIfFinite(x, i + L));
            s2 = s2.add(zeroIfFinite(x, i + 2 * L));
            s3 = s3.add(zeroIfFinite(x, i + 3 * L));
        }
        for (; i <= to - L; i += L) {
            s0 = s0.add(zeroIfFinite(x, i));
        }
        float rest = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            rest += x[i] - x[i];
        }
        return rest == 0f;
    }

    /** x[i .. i + L) − x[i .. i + L): +0 in the lanes of finite values, NaN in the others. */
    private static FloatVector zeroIfFinite(float[] x, int i) {
        FloatVector v = FloatVector.fromArray(SPECIES, x, i);
        return v.sub(v);
    }
}
