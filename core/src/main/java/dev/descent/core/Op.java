package dev.descent.core;

import java.util.List;

/**
 * One differentiable operation: it computes its output on the inputs' backend and knows how to send the
 * output's gradient back to its inputs.
 *
 * <p>Rules every op follows: {@link #forward()} runs once, saving in fields what backward needs;
 * {@link #backward(Tensor)} is written in Tensor ops (the engine runs it under no-grad) and hands each input
 * its gradient through {@link Tensor#accumulateGrad(Tensor)}, which adds, never assigns, and sums broadcast
 * dimensions back to the input's shape.
 */
public interface Op {

    /** Computes the output. Called once, by {@link Autograd#record(Op)}. */
    Tensor forward();

    /** The differentiable inputs, in order; the engine walks the graph through them. */
    List<Tensor> inputs();

    /** Given dL/d(output), adds dL/d(input) to each input that requires a gradient. */
    void backward(Tensor grad);

    /** The op's name in error messages. */
    default String name() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
