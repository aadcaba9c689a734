package dev.descent.lessons.gradientaccumulation;

/**
 * Exercise 19: the factor each micro-batch's mean loss is multiplied by before its backward pass, so that the
 * gradients that pile up in .grad are those of the whole batch's mean loss. A batch's mean is the weighted mean of
 * its micro-batches' means, each weighted by its share of the examples; for N equal micro-batches that is 1/N.
 */
final class MicroBatchWeights {
    private MicroBatchWeights() {
    }

    /** The weight of each micro-batch, given how many examples each holds. */
    static float[] of(int... sizes) {
        int total = 0;
        for (int size : sizes) {
            total += size;
        }
        float[] weights = new float[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            weights[k] = (float) sizes[k] / total;
        }
        return weights;
    }
}
