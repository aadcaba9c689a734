package dev.descent.lessons.batchsize;

/**
 * Exercise 05: how noisy a mini-batch gradient is. Each example's gradient differs from the full-batch mean g by a
 * random amount of variance σ² (summed over the coordinates); the batch gradient g_B averages B of them, drawn
 * without replacement from the N examples.
 */
final class BatchNoise {
    private BatchNoise() {
    }

    /**
     * E‖g_B − g‖² for a batch of B distinct examples drawn at random from N: the mean of B draws has variance
     * σ²/B, times (N − B)/(N − 1) because drawing without replacement from a finite set (B = N leaves no noise).
     */
    static double expected(double sigma2, int examples, int batchSize) {
        return sigma2 / batchSize * (examples - batchSize) / (examples - 1.0);
    }
}
