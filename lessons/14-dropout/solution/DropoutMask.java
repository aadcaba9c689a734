package dev.descent.lessons.dropout;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;

/**
 * Exercise 14: inverted dropout's mask. In training each unit is kept with probability 1 − p and scaled by
 * 1/(1 − p), so that the expected output equals the input and inference can use the layer unchanged.
 */
final class DropoutMask {
    private DropoutMask() {
    }

    /**
     * A mask of the given shape, drawn from {@code rng} in order: an entry is 1/(1 − p) when a uniform draw
     * {@code rng.nextFloat()} is below 1 − p (kept), else 0 (dropped). nn's Dropout draws the same way, so with the
     * same seed the two masks are the same.
     */
    static Tensor draw(Rng rng, float p, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        float[] m = new float[n];
        for (int i = 0; i < m.length; i++) {
            // keep when u < 1 − p, u uniform in [0, 1)
            m[i] = rng.nextFloat() < 1 - p ? 1 / (1 - p) : 0;
        }
        return Tensor.fromArray(m, dims);
    }
}
