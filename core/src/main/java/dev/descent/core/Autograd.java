package dev.descent.core;

import dev.descent.core.profile.Profiler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse-mode autograd engine, all of it.
 *
 * <p>Forward: every op's output remembers the op that made it ({@link #record}), when gradients are enabled
 * and some input requires one. Backward: order the graph so that inputs come before outputs, seed the root
 * with its gradient, walk that order backwards calling each creator's {@code backward}, and release the graph
 * as the walk passes, so its saved activations can be collected. {@link Backprop} frees each gradient as soon
 * as it has been used, which is what lets a large model's backward fit in device memory.
 */
public final class Autograd {
    private static final ThreadLocal<ThreadState> THREAD = ThreadLocal.withInitial(ThreadState::new);

    /** Autograd's state on one thread: how many no-grad scopes are open, and the backward passes running. */
    private static final class ThreadState {
        private int noGradDepth;
        private final Deque<Backprop> passes = new ArrayDeque<>();
    }

    private Autograd() {
    }

    /** Runs {@code op.forward()} and, when a gradient will be needed, links the output to the op. */
    public static Tensor record(Op op) {
        Tensor out = Profiler.forward(op);
        if (isGradEnabled() && op.inputs().stream().anyMatch(Tensor::requiresGrad)) {
            out.setCreator(op);
        }
        return out;
    }

    /** Backpropagates {@code seed} (dL/d root, shaped like {@code root}) through the graph behind root. */
    @SuppressWarnings("try")
    static void backward(Tensor root, Tensor seed) {
        Profiler.backwardPass();
        List<Tensor> order = topologicalOrder(root);
        try (Scope noGrad = noGrad(); Backprop pass = Backprop.begin()) {
            root.accumulateGrad(seed);
            for (int i = order.size() - 1; i >= 0; i--) {
                pass.step(order.get(i));
            }
        }
    }

    /** Non-leaf tensors reachable from root, each after all the tensors it was computed from. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        Deque<Tensor> stack = new ArrayDeque<>();
        Deque<Boolean> expanded = new ArrayDeque<>();
        stack.push(root);
        expanded.push(false);
        while (!stack.isEmpty()) {
            Tensor t = stack.pop();
            boolean childrenDone = expanded.pop();
            if (childrenDone) {
                order.add(t);
                continue;
            }
            if (seen.put(t, true) != null) {
                continue;
            }
            Backprop.requireGraph(t);
            if (t.creator() == null) {
                continue;
            }
            stack.push(t);
            expanded.push(true);
            for (Tensor input : t.creator().inputs()) {
                if (input.requiresGrad() && !seen.containsKey(input)) {
                    stack.push(input);
                    expanded.push(false);
                }
            }
        }
        return order;
    }

    /** Whether ops on this thread record the graph. */
    public static boolean isGradEnabled() {
        return THREAD.get().noGradDepth == 0;
    }

    /** A scope in which ops record no graph (evaluation, optimizer steps): {@code try (var s = noGrad()) {..}}. */
    public static Scope noGrad() {
        ThreadState state = THREAD.get();
        state.noGradDepth++;
        return () -> state.noGradDepth--;
    }

    /** A scope that records the graph again inside a no-grad scope (used to recompute a checkpointed block). */
    public static Scope enableGrad() {
        ThreadState state = THREAD.get();
        int saved = state.noGradDepth;
        state.noGradDepth = 0;
        return () -> state.noGradDepth = saved;
    }

    /** The backward passes open on this thread, innermost first ({@link Backprop}'s to push and pop). */
    static Deque<Backprop> openPasses() {
        return THREAD.get().passes;
    }

    /** A gradient-mode scope; closing it restores the previous mode. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
