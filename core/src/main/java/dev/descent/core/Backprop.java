package dev.descent.core;

import dev.descent.core.profile.Profiler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The memory rules of one backward pass, which keep its peak at a few activation-sized gradients instead of one
 * gradient per activation:
 * <ol>
 * <li>Each op's backward runs in its own {@link MemoryScope}: the temporaries it makes are released when it
 *     returns; the gradients it handed to tensors are kept.</li>
 * <li>A gradient handed to a tensor becomes that tensor's own ({@link #claim}); later contributions are added into
 *     it in place. If its memory is already someone's (an op passed one tensor to two inputs, or passed on a
 *     tensor it does not own), the tensor gets a copy instead.</li>
 * <li>Once an op's backward has run, its output's gradient is released, unless the op handed it on unchanged.</li>
 * </ol>
 * Passes nest (a checkpointed block runs a backward inside its op's backward); a claim counts in every open pass,
 * so a parameter's gradient made in the inner one survives the outer op's scope too.
 */
final class Backprop implements AutoCloseable {
    private static final ThreadLocal<Deque<Backprop>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private MemoryScope temps;
    private Storage upstream;
    private boolean upstreamHandedOn;
    private final List<Tensor> claimants = new ArrayList<>();
    private final Set<Storage> claimed = Collections.newSetFromMap(new IdentityHashMap<>());

    private Backprop() {
    }

    /** Starts a pass on this thread; close it when the pass ends. */
    static Backprop begin() {
        Backprop pass = new Backprop();
        OPEN.get().push(pass);
        return pass;
    }

    /** The innermost pass running on this thread, or null outside backward. */
    static Backprop active() {
        return OPEN.get().peek();
    }

    /**
     * Runs {@code op}'s backward with dL/d(output) = {@code grad} under rules 1 and 3; {@code ownsGrad} says whether
     * the output owned that gradient (the seed of the pass is the caller's, never released here).
     */
    void backward(Op op, Tensor grad, boolean ownsGrad) {
        upstream = ownsGrad ? grad.storage() : null;
        upstreamHandedOn = false;
        claimants.clear();
        claimed.clear();
        try (MemoryScope scope = grad.backend().scope()) {
            temps = scope;
            Profiler.backward(op, grad);
            for (Tensor t : claimants) {
                scope.keep(t.grad());
            }
        }
        if (upstream != null && !upstreamHandedOn) {
            upstream.release();
        }
    }

    /** Rule 2: the tensor {@code owner} may keep as its own gradient, {@code g} or a copy of it. */
    Tensor claim(Tensor g, Tensor owner) {
        Storage s = g.storage();
        Tensor owned;
        if (temps != null && temps.owns(g) && !claimed.contains(s)) {
            owned = g;
        } else if (s == upstream && !upstreamHandedOn) {
            upstreamHandedOn = true;
            owned = g;
        } else {
            owned = g.copy();
        }
        claimed.add(owned.storage());
        for (Backprop pass : OPEN.get()) {
            pass.claimants.add(owner);
        }
        return owned;
    }

    @Override
    public void close() {
        OPEN.get().remove(this);
    }
}
