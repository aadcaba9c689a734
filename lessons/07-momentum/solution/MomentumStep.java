package dev.descent.lessons.momentum;

import dev.descent.core.Tensor;

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
        return v.mul(mu).add(g);
    }

    /** What the step subtracts, times lr: the new velocity, or for Nesterov the gradient plus μ times it. */
    static Tensor direction(Tensor velocity, Tensor g, float mu, boolean nesterov) {
        return nesterov ? g.add(velocity.mul(mu)) : velocity;
    }
}
