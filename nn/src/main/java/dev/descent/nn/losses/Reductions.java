package dev.descent.nn.losses;

import dev.descent.core.Reduction;
import dev.descent.core.Tensor;

/** Applies a {@link Reduction} to per-example losses. */
final class Reductions {
    private Reductions() {
    }

    static Tensor reduce(Tensor losses, Reduction reduction) {
        switch (reduction) {
            case NONE:
                return losses;
            case SUM:
                return losses.sum();
            default:
                return losses.mean();
        }
    }
}
