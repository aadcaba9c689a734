package dev.descent.core.cpu;

/** The scalar formulas behind the elementwise ops, in double, shared by the CPU kernels and by tests. */
public final class ScalarMath {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private ScalarMath() {
    }

    /** GELU, tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)));
    }

    /** d/dx of {@link #geluTanh}: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh u. */
    public static double geluTanhGrad(double x) {
        double t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * x * x);
    }

    /** GELU, exact: x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)). */
    public static double geluErf(double x) {
        return x * 0.5 * (1 + erf(x * INV_SQRT_2));
    }

    /** d/dx of {@link #geluErf}: Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π). */
    public static double geluErfGrad(double x) {
        return 0.5 * (1 + erf(x * INV_SQRT_2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
    }

    /**
     * The error function from the Chebyshev fit of erfc (Numerical Recipes, 3rd ed., §6.2.2), fractional error
     * below 1.2·10⁻⁷ everywhere: ample for float32.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }

    /** 1 / (1 + e^−x), written to avoid overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
