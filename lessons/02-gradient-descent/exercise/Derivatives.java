package dev.descent.lessons.gradientdescent;

import dev.descent.lessons.Exercise;

/**
 * Exercise 02: the derivatives of the lesson, worked out on paper (the power rule: d/dx of (x − a)² is 2(x − a)).
 */
final class Derivatives {
    private Derivatives() {
    }

    /** f'(x) for f(x) = (x − 3)². */
    static double parabola(double x) {
        throw Exercise.todo("02", "the derivative of (x - 3)^2, Derivatives.parabola");
    }

    /** ∇g(x, y) = (∂g/∂x, ∂g/∂y) for the bowl g(x, y) = x² + 10y². */
    static double[] bowl(double x, double y) {
        throw Exercise.todo("02", "the gradient of x^2 + 10y^2, Derivatives.bowl");
    }
}
