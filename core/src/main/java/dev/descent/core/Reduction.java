package dev.descent.core;

/** How a loss combines its per-example values, as in PyTorch. */
public enum Reduction {
    /** The average over the examples that count (for cross-entropy: those not ignored). */
    MEAN,
    /** The plain sum. */
    SUM,
    /** No reduction: one loss per example. */
    NONE
}
