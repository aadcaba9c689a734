package dev.descent.lessons.weightdecay;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;

/**
 * Exercise 10: the two ways to write weight decay λ, as PyTorch does.
 * <pre>
 * coupled (L2 penalty λ/2·Σw², torch.optim.SGD and Adam):   g ← g + λ·w          the penalty's gradient joins the loss's
 * decoupled (torch.optim.AdamW):                              w ← w·(1 − lr·λ)     before the step, apart from it
 * </pre>
 */
final class Decay {
    private Decay() {
    }

    /** The gradient of loss + λ/2·Σw²: the loss's gradient {@code g} plus the penalty's. */
    static Tensor coupled(Tensor g, Tensor w, double lambda) {
        throw Exercise.todo("10", "the L2 penalty's gradient, Decay.coupled");
    }

    /** AdamW's decay line: every weight shrunk by the same factor, computed as w·(1 − lr·λ). */
    static Tensor decoupled(Tensor w, double lr, double lambda) {
        throw Exercise.todo("10", "AdamW's decay line, Decay.decoupled");
    }
}
