package dev.descent.lessons.trainingloop;

import dev.descent.core.Autograd;
import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;
import java.util.List;

/**
 * Exercise 01: step 5 of the training loop, the update, written by hand. Every parameter moves a step against its
 * gradient, θ ← θ − η·∇θ L, outside the graph (an update is not part of the model, so autograd must not record
 * it), and then its gradient is dropped, because the next backward pass would add to it.
 */
final class UpdateStep {
    private UpdateStep() {
    }

    /** θ ← θ − lr·θ.grad for every parameter in place, under no-grad; then every gradient back to zero. */
    static void apply(List<Tensor> params, float lr) {
        throw Exercise.todo("01", "the update step, UpdateStep.apply");
    }
}
