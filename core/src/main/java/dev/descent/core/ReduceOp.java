package dev.descent.core;

/** Reductions along one axis. */
public enum ReduceOp {
    /** Σ x */
    SUM,
    /** max x */
    MAX
}
