package dev.descent.core;

import java.util.List;
import java.util.function.Supplier;

/**
 * One differentiable operation: it computes its output on the inputs' backend and knows how to send the
 * output's gradient back to its inputs.
 *
 * <p>Rules every op follows: {@link #forward()} runs once, saving in fields what backward needs;
 * {@link #backward(Tensor)} is written in Tensor ops (the engine runs it under no-grad) and hands each input
 * its gradient through {@link Tensor#accumulateGrad(Tensor)}, which adds, never assigns, and sums broadcast
 * dimensions back to the input's shape.
 *
 * <p>An op that needs nothing saved but its output is two lambdas, {@link #of}; one that saves more (a layer norm's
 * statistics) is a class.
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

    /**
     * The op {@code name} of {@code inputs}: {@code forward} computes the output (on the backend, not recorded);
     * {@code backward} is given dL/d(output) and the output, and hands each input its gradient. For example
     * <pre>{@code
     * Op exp = Op.of("exp", List.of(x), () -> x.backend().unary(UnaryOp.EXP, x), (g, y) -> x.accumulateGrad(g.mul(y)));
     * Tensor y = Autograd.record(exp);
     * }</pre>
     */
    static Op of(String name, List<Tensor> inputs, Supplier<Tensor> forward, Backward backward) {
        return new Op() {
            private Tensor output;

            @Override
            public Tensor forward() {
                output = forward.get();
                return output;
            }

            @Override
            public List<Tensor> inputs() {
                return inputs;
            }

            @Override
            public void backward(Tensor grad) {
                backward.run(grad, output);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** The backward of an op made with {@link #of}. */
    @FunctionalInterface
    interface Backward {
        /** Hands each input its share of {@code g} = dL/dy, where {@code y} is the op's output. */
        void run(Tensor g, Tensor y);
    }
}
