package dev.descent.lessons.learningrate;

import dev.descent.lessons.Exercise;

/**
 * Exercise 04: the learning rates that the Hessian's eigenvalues decide. Along an eigen-direction with curvature
 * λ, one step of gradient descent multiplies the error by (1 − η·λ).
 */
final class LearningRates {
    private LearningRates() {
    }

    /** The largest rate that still converges, 2/λ_max: above it |1 − η·λ_max| > 1 and the steepest direction grows. */
    static double critical(double lambdaMax) {
        throw Exercise.todo("04", "the critical learning rate, LearningRates.critical");
    }

    /** The fixed rate whose slowest direction shrinks fastest, 2/(λ_min + λ_max): it makes |1 − η·λ_min| = |1 − η·λ_max|. */
    static double best(double lambdaMin, double lambdaMax) {
        throw Exercise.todo("04", "the best fixed learning rate, LearningRates.best");
    }
}
