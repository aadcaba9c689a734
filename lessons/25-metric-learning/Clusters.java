package dev.descent.lessons.metriclearning;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;

/**
 * Labelled points whose class is hidden in two of their ten coordinates. Class c's points sit around
 * (1.5·cos(2πc/K), 1.5·sin(2πc/K)) in coordinates 0 and 1 with spread 0.4; the other eight coordinates are noise
 * of standard deviation 3, the same for every class. In the raw space the noise dominates every distance, so
 * nearest neighbours are nearly random; a learned embedding has to find the two coordinates that matter.
 */
record Clusters(Tensor points, int[] labels) {
    static final int CLASSES = 4;
    static final int DIM = 10;

    static Clusters sample(int n, Rng rng) {
        float[] x = new float[n * DIM];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % CLASSES;
            labels[i] = c;
            double angle = 2 * Math.PI * c / CLASSES;
            x[i * DIM] = (float) (1.5 * Math.cos(angle) + 0.4 * rng.nextGaussian());
            x[i * DIM + 1] = (float) (1.5 * Math.sin(angle) + 0.4 * rng.nextGaussian());
            for (int d = 2; d < DIM; d++) {
                x[i * DIM + d] = (float) (3.0 * rng.nextGaussian());
            }
        }
        return new Clusters(Tensor.fromArray(x, n, DIM), labels);
    }

    int size() {
        return labels.length;
    }
}
