package dev.descent.core;

/**
 * Draws tensor values from a seeded {@link Rng}, kept away from the points where an op is not differentiable
 * (or where a finite difference of step 0.01 would straddle a kink, a tie or a pole).
 */
final class RandomTensors {
    /** Gap between neighbouring values of {@link #distinct}: more than twice any finite-difference step it meets. */
    private static final float GRID = 0.1f;

    private final Rng rng;
    private final RandomShapes shapes;

    RandomTensors(Rng rng) {
        this.rng = rng;
        this.shapes = new RandomShapes(rng);
    }

    /** Normal values with standard deviation {@code scale}. */
    Tensor normal(float scale, int... dims) {
        return Tensor.randn(rng, dims).mul(scale);
    }

    /** Uniform values in {@code [lo, hi)}. */
    Tensor uniform(float lo, float hi, int... dims) {
        return Tensor.rand(rng, dims).mul(hi - lo).add(lo);
    }

    /** Values of either sign with |x| in {@code [margin, margin + 2)}: safe for relu and for dividing by. */
    Tensor awayFromZero(float margin, int... dims) {
        float[] v = Tensor.rand(rng, dims).toArray();
        for (int i = 0; i < v.length; i++) {
            float magnitude = margin + 2 * v[i];
            v[i] = shapes.coin() ? magnitude : -magnitude;
        }
        return of(v, dims);
    }

    /**
     * The values {@code (k − (n−1)/2)·0.1} for k = 0..n−1 in random order: no two elements closer than 0.1, so
     * max has no ties and layer norm no near-constant rows. At most 190 elements, so that |x| < 10 and GradCheck's
     * relative step 0.01·|x| stays below the gap.
     */
    Tensor distinct(int... dims) {
        int n = Shape.of(dims).numel();
        if (n > 190) {
            throw new IllegalArgumentException("distinct: " + n + " elements would spread past ±10");
        }
        int[] order = shapes.permutation(n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (order[i] - (n - 1) / 2f) * GRID;
        }
        return of(v, dims);
    }

    /** Integer-valued ids in {@code [0, bound)}. */
    Tensor integers(int bound, int... dims) {
        float[] v = new float[Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(bound);
        }
        return of(v, dims);
    }

    /** {@code v} shaped as {@code dims}, which may be empty (a scalar), unlike {@link Tensor#fromArray}. */
    static Tensor of(float[] v, int... dims) {
        return Backends.defaultBackend().fromArray(v, Shape.of(dims));
    }

    /** A 0/1 mask, each element 1 with probability one half. */
    Tensor mask(int... dims) {
        return integers(2, dims);
    }
}
