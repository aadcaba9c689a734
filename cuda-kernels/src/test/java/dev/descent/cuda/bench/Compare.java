package dev.descent.cuda.bench;

import dev.descent.core.Tensor;

/** How far a GPU result is from the CPU reference, for the benchmarks' checks before they time anything. */
final class Compare {
    private Compare() {
    }

    /** max |want − got| over all elements (NaN if either holds a NaN where the other does not). */
    static double maxAbsError(Tensor want, Tensor got) {
        return maxAbsError(want.toArray(), got.toArray());
    }

    static double maxAbsError(float[] want, float[] got) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (Double.isNaN(err)) {
                return Double.NaN;
            }
            worst = Math.max(worst, err);
        }
        return worst;
    }
}
