package dev.descent.lessons.adam;

import dev.descent.core.Tensor;

/**
 * Exercise 09: Adam's bias correction. The running means start at 0, so after t steps of m ← β·m + (1 − β)·g a
 * constant gradient g has only reached m_t = (1 − β^t)·g: the zero start still weighs β^t. Dividing by (1 − β^t)
 * undoes exactly that, from the first step on.
 */
final class BiasCorrection {
    private BiasCorrection() {
    }

    /** m̂ = m/(1 − β^t) for the running mean {@code moment} after step t = 1, 2, … with decay rate β. */
    static Tensor correct(Tensor moment, double beta, int t) {
        return moment.div((float) (1 - Math.pow(beta, t)));
    }
}
