package dev.descent.optim;

/**
 * Checks of hyperparameters at construction; each failure names the optimizer, the setting and the value. The
 * kernels take every hyperparameter as a float32, so "finite" means finite in float32: 1e39 passes as a double and
 * becomes infinity on the device.
 */
final class Hyper {
    private Hyper() {
    }

    /** {@code value >= 0} and finite in float32. */
    static double nonNegative(String owner, String name, double value) {
        if (!(value >= 0) || !finiteFloat(value)) {
            throw invalid(owner, name, value, "must be a finite value >= 0 in float32");
        }
        return value;
    }

    /** {@code value > 0} and finite in float32. */
    static double positive(String owner, String name, double value) {
        if (!(value > 0) || !finiteFloat(value)) {
            throw invalid(owner, name, value, "must be a finite value > 0 in float32");
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

    /** Any value finite in float32. */
    static double finite(String owner, String name, double value) {
        if (!finiteFloat(value)) {
            throw invalid(owner, name, value, "must be finite in float32");
        }
        return value;
    }

    private static boolean finiteFloat(double value) {
        return Float.isFinite((float) value);
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
