package dev.descent.core;

import java.util.Arrays;

/**
 * Draws small tensor shapes from a seeded {@link Rng}: size-1 dimensions often (broadcasting and degenerate
 * cases), otherwise sizes that are not multiples of any tile width.
 */
final class RandomShapes {
    private static final int[] SIZES = {1, 1, 2, 3, 4, 5, 7};
    /** The most elements {@link #shape} draws. */
    static final int MAX_NUMEL = 120;

    private final Rng rng;
    private final int[] sizes;

    /** Dimensions from {1, 2, 3, 4, 5, 7}, 1 twice as likely as the others. */
    RandomShapes(Rng rng) {
        this(rng, SIZES);
    }

    /** Dimensions drawn uniformly from {@code sizes} (repeat a size to make it likelier). */
    RandomShapes(Rng rng, int... sizes) {
        this.rng = rng;
        this.sizes = sizes.clone();
    }

    /** A dimension size. */
    int dim() {
        return oneOf(sizes);
    }

    /** One of {@code choices}. */
    int oneOf(int... choices) {
        return choices[rng.nextInt(choices.length)];
    }

    /** An integer in {@code [lo, hi]}. */
    int between(int lo, int hi) {
        return lo + rng.nextInt(hi - lo + 1);
    }

    boolean coin() {
        return rng.nextInt(2) == 0;
    }

    /**
     * A shape whose rank is in {@code [minRank, maxRank]} and that holds at most {@value #MAX_NUMEL} elements (a
     * dimension that would pass the cap is drawn as 1), so that gradient checks, which cost a forward pass per
     * element, stay fast.
     */
    int[] shape(int minRank, int maxRank) {
        int[] dims = new int[between(minRank, maxRank)];
        int numel = 1;
        for (int i = 0; i < dims.length; i++) {
            int d = dim();
            dims[i] = numel * d <= MAX_NUMEL ? d : 1;
            numel *= dims[i];
        }
        return dims;
    }

    /**
     * A shape that broadcasts to {@code full}: a random number of leading axes dropped, and each remaining
     * axis kept or set to 1.
     */
    int[] broadcastableTo(int[] full) {
        int[] dims = Arrays.copyOfRange(full, rng.nextInt(full.length + 1), full.length);
        for (int i = 0; i < dims.length; i++) {
            if (rng.nextInt(3) == 0) {
                dims[i] = 1;
            }
        }
        return dims;
    }

    /** Two shapes that broadcast together, each expanded along some axes of the other (either may be scalar). */
    int[][] broadcastPair(int maxRank) {
        int[] full = shape(0, maxRank);
        int[] a = broadcastableTo(full);
        int[] b = broadcastableTo(full);
        return coin() ? new int[][] {a, full} : coin() ? new int[][] {full, b} : new int[][] {a, b};
    }

    /** A random ordering of {@code 0..n-1}. */
    int[] permutation(int n) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** An axis of a rank-{@code rank} shape, written negative half of the time. */
    int axis(int rank) {
        int axis = rng.nextInt(rank);
        return coin() ? axis : axis - rank;
    }
}
