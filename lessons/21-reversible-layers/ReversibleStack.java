package dev.descent.lessons.reversiblelayers;

import dev.descent.core.Autograd;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack of {@link Coupling} blocks trained without storing their activations. Forward runs every block with
 * the graph switched off and keeps only the stack's output. Backward walks the blocks from the last to the
 * first, each time recomputing the block's input from its output with the inverse, rebuilding that one block's
 * graph, and backpropagating through it. However deep the stack, the graph holds one activation, not one per
 * block. {@code (N, 2·half) -> (N, 2·half)}.
 */
final class ReversibleStack extends Module {
    private final List<Coupling> blocks = new ArrayList<>();

    ReversibleStack(List<Coupling> blocks) {
        for (Coupling block : blocks) {
            this.blocks.add(module(Integer.toString(this.blocks.size()), block));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!Autograd.isGradEnabled()) {
            return run(blocks, x);
        }
        return Autograd.record(new Backprop(blocks, x, parameters()));
    }

    /** The blocks one after another, recording whatever the current gradient mode records. */
    private static Tensor run(List<Coupling> blocks, Tensor x) {
        Tensor y = x;
        for (Coupling block : blocks) {
            y = block.forward(y);
        }
        return y;
    }

    /**
     * The input of the stack, recomputed from its output {@code y} by inverting every block, last to first,
     * under no-grad.
     */
    Tensor invert(Tensor y) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Tensor x = y;
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Coupling block = blocks.get(i);
                Tensor[] xs = block.invert(block.first(x), block.second(x));
                x = Tensor.concat(List.of(xs[0], xs[1]), -1);
            }
            return x;
        }
    }

    /**
     * The stack as one op that saves nothing but its output. Its backward, for each block from the last, with the
     * block's output (y₁, y₂) and the gradient (ḡ₁, ḡ₂) of the loss with respect to it:
     * <pre>
     * G(y₁) recomputed with a graph from a leaf copy of y₁;   x₂ = y₂ − G(y₁)
     * F(x₂) recomputed with a graph from a leaf copy of x₂;   x₁ = y₁ − F(x₂)
     * backward G(y₁) with ḡ₂:   dL/dy₁ = ḡ₁ + (∂G/∂y₁)ᵀḡ₂,   and G's parameter gradients
     * backward F(x₂) with dL/dy₁:  dL/dx₂ = ḡ₂ + (∂F/∂x₂)ᵀ dL/dy₁,  and F's parameter gradients
     * dL/dx₁ = dL/dy₁
     * </pre>
     * then (x₁, x₂) and (dL/dx₁, dL/dx₂) become the output and gradient of the block before. Each block costs one
     * extra evaluation of F and G, which serves both to invert it and to rebuild its graph.
     */
    private static final class Backprop implements Op {
        private final List<Coupling> blocks;
        private final Tensor x;
        private final List<Tensor> parameters;
        private Tensor y;

        Backprop(List<Coupling> blocks, Tensor x, List<Tensor> parameters) {
            this.blocks = blocks;
            this.x = x;
            this.parameters = parameters;
        }

        @Override
        public Tensor forward() {
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                y = run(blocks, x);
            }
            return y;
        }

        /** The stack's input and every block's parameters: the tensors that receive gradients. */
        @Override
        public List<Tensor> inputs() {
            List<Tensor> in = new ArrayList<>(parameters);
            in.add(0, x);
            return in;
        }

        @Override
        public void backward(Tensor grad) {
            Coupling last = blocks.get(blocks.size() - 1);
            Tensor y1 = last.first(y);
            Tensor y2 = last.second(y);
            Tensor g1 = last.first(grad);
            Tensor g2 = last.second(grad);
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Coupling block = blocks.get(i);
                Tensor y1Leaf = y1.detach().requiresGrad(true);
                Tensor gOut = recorded(block.g(), y1Leaf);
                Tensor x2 = y2.sub(gOut.detach());
                Tensor x2Leaf = x2.detach().requiresGrad(true);
                Tensor fOut = recorded(block.f(), x2Leaf);
                Tensor x1 = y1.sub(fOut.detach());
                gOut.backward(g2);
                Tensor dy1 = g1.add(y1Leaf.grad());
                fOut.backward(dy1);
                g2 = g2.add(x2Leaf.grad());
                g1 = dy1;
                y1 = x1;
                y2 = x2;
            }
            x.accumulateGrad(Tensor.concat(List.of(g1, g2), -1));
        }

        /** fn(input) with the graph recorded, inside the engine's no-grad backward. */
        private static Tensor recorded(Module fn, Tensor input) {
            try (Autograd.Scope ignored = Autograd.enableGrad()) {
                return fn.forward(input);
            }
        }

        @Override
        public String name() {
            return "reversibleStack";
        }
    }
}
