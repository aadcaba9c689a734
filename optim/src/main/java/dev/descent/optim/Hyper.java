package dev.descent.optim;

/** Checks of hyperparameters at construction; each failure names the optimizer, the setting and the value. */
final class Hyper {
    private Hyper() {
    }

    /** {@code value >= 0} and finite. */
    static double nonNegative(String owner, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw invalid(owner, name, value, "must be a finite value >= 0");
        }
        return value;
    }

    /** {@code value > 0} and finite. */
    static double positive(String owner, String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(owner, name, value, "must be a finite value > 0");
        }
        return value;
    }

    /** {@code 0 <= value < 1}. */
    static double beta(String owner, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw invalid(owner, name, value, "must be in [0, 1)");
        }
        return value;
    }

    /** Any finite value. */
    static double finite(String owner, String name, double value) {
        if (!Double.isFinite(value)) {
            throw invalid(owner, name, value, "must be finite");
        }
        return value;
    }

    /** {@code value >= 1}. */
    static long atLeastOne(String owner, String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(owner + ": invalid " + name + " " + value + " (must be >= 1)");
        }
        return value;
    }

    private static IllegalArgumentException invalid(String owner, String name, double value, String rule) {
        return new IllegalArgumentException(owner + ": invalid " + name + " " + value + " (" + rule + ")");
    }
}
