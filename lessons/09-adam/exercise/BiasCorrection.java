package dev.descent.lessons.adam;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;

/**
 * Exercise 09: Adam's bias correction. The running means start at 0, so after t steps of m ← β·m + (1 − β)·g a
 * constant gradient g has only reached m_t = (1 − β^t)·g: the zero start still weighs β^t. Divide that back out,
 * so that the corrected mean equals g from the first step on. Check with {@code ./lesson 09 --check}.
 */
final class BiasCorrection {
    private BiasCorrection() {
    }

    /** m̂ for the running mean {@code moment} after step t = 1, 2, … with decay rate β. */
    static Tensor correct(Tensor moment, double beta, int t) {
        throw Exercise.todo("09", "Adam's bias correction, BiasCorrection.correct");
    }
}
