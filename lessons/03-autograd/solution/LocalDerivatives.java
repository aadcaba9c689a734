package dev.descent.lessons.autograd;

/**
 * Exercise 03: the local derivatives the scalar engine's backward rules multiply by (the chain rule does the
 * rest: ∂L/∂input += ∂L/∂out · ∂out/∂input). Each is worked out on paper, from the op's input or from its output,
 * whichever the forward pass already has.
 */
final class LocalDerivatives {
    private LocalDerivatives() {
    }

    /** ∂out/∂a for out = a·b: the other factor. */
    static double mul(double other) {
        return other;
    }

    /** ∂out/∂a for out = aᵖ, p a constant. */
    static double pow(double a, double p) {
        return p * Math.pow(a, p - 1);
    }

    /** ∂out/∂a for out = tanh a, from the output: 1 − out². */
    static double tanh(double out) {
        return 1 - out * out;
    }

    /** ∂out/∂a for out = eᵃ, from the output. */
    static double exp(double out) {
        return out;
    }
}
