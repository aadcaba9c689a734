package dev.descent.lessons.momentum;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;

/**
 * Exercise 07: momentum's two lines, in PyTorch's convention (the one {@code optim.SGD} follows bit for bit).
 * <pre>
 * v ← μ·v + g                     the velocity: a running sum of gradients, old ones fading by μ per step
 * θ ← θ − lr·v                    heavy ball
 * θ ← θ − lr·(g + μ·v)            Nesterov: the gradient plus where the velocity goes next
 * </pre>
 */
final class MomentumStep {
    private MomentumStep() {
    }

    /** The new velocity from the old one {@code v} and this step's gradient {@code g}. */
    static Tensor velocity(Tensor v, Tensor g, float mu) {
        throw Exercise.todo("07", "the velocity update, MomentumStep.velocity");
    }

    /** What the step subtracts, times lr: the new velocity, or for Nesterov the gradient plus μ times it. */
    static Tensor direction(Tensor velocity, Tensor g, float mu, boolean nesterov) {
        throw Exercise.todo("07", "the heavy-ball and Nesterov step direction, MomentumStep.direction");
    }
}
