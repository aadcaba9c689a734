package dev.descent.lessons.weightdecay;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.Objective;

/**
 * A regression made to overfit: y = x·w* + ε with {@value #FEATURES} features, ε ~ N(0, 1), only
 * {@value #TRAINING} training points and {@value #VALIDATION} validation points from the same distribution. With
 * barely more points than weights, the least-squares fit bends to the training noise and predicts new points
 * badly: the gap between training and validation loss that weight decay is for.
 *
 * @param x    training inputs (TRAINING, FEATURES); {@code y} their targets (TRAINING, 1)
 * @param xVal validation inputs (VALIDATION, FEATURES); {@code yVal} their targets (VALIDATION, 1)
 */
record NoisyRegression(Tensor x, Tensor y, Tensor xVal, Tensor yVal) {
    static final int FEATURES = 20;
    static final int TRAINING = 30;
    static final int VALIDATION = 2000;
    /** The true weights are drawn with this standard deviation; the noise has standard deviation 1. */
    static final float TRUE_WEIGHT_SCALE = 0.3f;

    static NoisyRegression draw(long seed) {
        Rng rng = new Rng(seed);
        Tensor trueWeights = Tensor.randn(rng, FEATURES, 1).mul(TRUE_WEIGHT_SCALE);
        Tensor x = Tensor.randn(rng, TRAINING, FEATURES);
        Tensor y = x.matmul(trueWeights).add(Tensor.randn(rng, TRAINING, 1));
        Tensor xVal = Tensor.randn(rng, VALIDATION, FEATURES);
        Tensor yVal = xVal.matmul(trueWeights).add(Tensor.randn(rng, VALIDATION, 1));
        return new NoisyRegression(x, y, xVal, yVal);
    }

    /** The training loss as a function of the weights w (FEATURES): the mean squared error on the 30 points. */
    Objective trainingLoss() {
        return w -> meanSquaredError(x, y, w);
    }

    double trainingLoss(float[] w) {
        return trainingLoss().value(w);
    }

    @SuppressWarnings("try")
    double validationLoss(float[] w) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            return meanSquaredError(xVal, yVal, Tensor.fromArray(w)).item();
        }
    }

    /** L(w) = (1/N)·Σ (x_i·w − y_i)². */
    private static Tensor meanSquaredError(Tensor x, Tensor y, Tensor w) {
        return x.matmul(w.reshape(FEATURES, 1)).sub(y).pow(2).mean();
    }
}
