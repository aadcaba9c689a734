package dev.descent.lessons.autograd;

import dev.descent.lessons.Exercise;

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
        throw Exercise.todo("03", "the local derivative of a product, LocalDerivatives.mul");
    }

    /** ∂out/∂a for out = aᵖ, p a constant. */
    static double pow(double a, double p) {
        throw Exercise.todo("03", "the local derivative of a^p, LocalDerivatives.pow");
    }

    /** ∂out/∂a for out = tanh a, from the output: 1 − out². */
    static double tanh(double out) {
        throw Exercise.todo("03", "the local derivative of tanh, LocalDerivatives.tanh");
    }

    /** ∂out/∂a for out = eᵃ, from the output. */
    static double exp(double out) {
        throw Exercise.todo("03", "the local derivative of exp, LocalDerivatives.exp");
    }
}
