package dev.descent.lessons.reversiblelayers;

import dev.descent.core.Autograd;
import dev.descent.core.MemoryScope;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack of {@link Coupling} blocks trained without storing their activations. Forward runs every block with
 * the graph switched off and keeps only the stack's output. Backward walks the blocks from the last to the
 * first, each time recomputing the block's input from its output with the inverse, rebuilding that one block's
 * graph, backpropagating through it and releasing it. However deep the stack, forward leaves one activation for
 * backward, not one per block, and backward holds one block's graph at a time. {@code (N, 2·half) -> (N, 2·half)}.
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

    /**
     * The blocks one after another, under no-grad. Each runs in a memory scope that keeps only its output, and that
     * output is released once the next block has used it: however many blocks, one block's tensors are held at a
     * time, and only the last output stays.
     */
    private static Tensor run(List<Coupling> blocks, Tensor x) {
        Tensor y = x;
        for (Coupling block : blocks) {
            Tensor next;
            try (MemoryScope temps = y.backend().scope()) {
                next = block.forward(y);
                temps.keep(next);
            }
            if (y != x) {
                y.storage().release();
            }
            y = next;
        }
        return y;
    }

    /**
     * The input of the stack, recomputed from its output {@code y} by inverting every block, last to first,
     * under no-grad.
     */
    @SuppressWarnings("try")
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

        /** Runs the blocks without a graph, keeping nothing but y (see {@link #run}). */
        @Override
        @SuppressWarnings("try")
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
            Tensor[] carry = {last.first(y), last.second(y), last.first(grad), last.second(grad)};
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Tensor[] below = undo(blocks.get(i), carry);
                // the block's output and gradient are used up: free them now, not when the whole backward ends
                for (Tensor t : carry) {
                    t.storage().release();
                }
                carry = below;
            }
            x.accumulateGrad(Tensor.concat(List.of(carry[2], carry[3]), -1));
        }

        /**
         * One block, from {@code (y₁, y₂, ḡ₁, ḡ₂)} to {@code (x₁, x₂, dL/dx₁, dL/dx₂)}, adding to its parameters'
         * gradients. It runs in a memory scope keeping only those, so the block's rebuilt graph is released
         * before the block below is undone.
         */
        private static Tensor[] undo(Coupling block, Tensor[] carry) {
            Tensor y1 = carry[0];
            Tensor y2 = carry[1];
            Tensor g1 = carry[2];
            Tensor g2 = carry[3];
            try (MemoryScope scope = y1.backend().scope()) {
                Tensor y1Leaf = y1.detach().requiresGrad(true);
                Tensor gOut = recorded(block.g(), y1Leaf);
                Tensor x2 = y2.sub(gOut.detach());
                Tensor x2Leaf = x2.detach().requiresGrad(true);
                Tensor fOut = recorded(block.f(), x2Leaf);
                Tensor x1 = y1.sub(fOut.detach());
                gOut.backward(g2);
                Tensor dy1 = g1.add(y1Leaf.grad());
                fOut.backward(dy1);
                Tensor[] below = {x1, x2, dy1, g2.add(x2Leaf.grad())};
                scope.keep(below);
                block.parameters().forEach(p -> scope.keep(p.grad()));
                return below;
            }
        }

        /** fn(input) with the graph recorded, inside the engine's no-grad backward. */
        @SuppressWarnings("try")
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
