package dev.descent.lessons.crossentropy;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;

/**
 * Exercise 13: cross-entropy from primitives, computed so that it cannot overflow: −log p_c is
 * logsumexp(z) − z_c, and log-sum-exp takes out the largest logit before exponentiating.
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /** log Σⱼ e^zⱼ over the last axis, kept as a column {@code (N, 1)}: m + log Σⱼ e^(zⱼ − m), m = maxⱼ zⱼ. */
    static Tensor logSumExp(Tensor z) {
        throw Exercise.todo("13", "log-sum-exp, CrossEntropy.logSumExp");
    }

    /**
     * Mean cross-entropy of logits {@code (N, C)} against a target distribution q {@code (N, C)}:
     * lₙ = Σ_c q_c·(−log p_c) with −log p_c = logsumexp(z) − z_c. A one-hot q gives lₙ = −log pₙ,yₙ.
     */
    static Tensor mean(Tensor logits, Tensor q) {
        throw Exercise.todo("13", "the mean cross-entropy, CrossEntropy.mean");
    }
}
