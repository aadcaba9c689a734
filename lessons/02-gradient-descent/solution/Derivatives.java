package dev.descent.lessons.gradientdescent;

/**
 * Exercise 02: the derivatives of the lesson, worked out on paper (the power rule: d/dx of (x − a)² is 2(x − a)).
 */
final class Derivatives {
    private Derivatives() {
    }

    /** f'(x) for f(x) = (x − 3)². */
    static double parabola(double x) {
        return 2 * (x - 3);
    }

    /** ∇g(x, y) = (∂g/∂x, ∂g/∂y) for the bowl g(x, y) = x² + 10y². */
    static double[] bowl(double x, double y) {
        return new double[] {2 * x, 20 * y};
    }
}
