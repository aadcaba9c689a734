package dev.descent.lessons.reversiblelayers;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;
import dev.descent.nn.Module;

/**
 * Exercise 21: undoing an additive coupling. The forward pass computed
 * <pre>
 * y₁ = x₁ + F(x₂)
 * y₂ = x₂ + G(y₁)
 * </pre>
 * so the input can be recovered from the output by undoing the two lines in reverse order, evaluating F and G
 * again (never inverting them).
 */
final class Inverse {
    private Inverse() {
    }

    /** {x₁, x₂} recomputed from the outputs y₁, y₂ (N, half) of the coupling with branches F and G. */
    static Tensor[] ofCoupling(Module f, Module g, Tensor y1, Tensor y2) {
        throw Exercise.todo("21", "the inverse of the coupling, Inverse.ofCoupling");
    }
}
