package dev.descent.core;

import dev.descent.core.profile.Profiler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The rules of backward's memory, all of them: who owns a tensor's gradient, when a contribution is added into it
 * in place, when a gradient or a graph is released. They keep a backward pass's peak at a few activation-sized
 * gradients instead of one gradient per activation.
 *
 * <p><b>Ownership.</b> A tensor holds its gradient as a {@link Gradient}: OWNED when backward made it (later
 * contributions are added into it in place; {@code zeroGrad} releases its memory) or GIVEN when a caller set it
 * ({@code setGrad}: never written into or released here; a contribution replaces it by a new sum).
 *
 * <p><b>A pass</b> ({@link #begin}, one per {@code backward()} call) walks the graph from the loss, one op at a time:
 * <ol>
 * <li>Each op's backward runs in its own {@link MemoryScope}: the temporaries it makes are released when it
 *     returns; the gradients it handed to tensors are kept.</li>
 * <li>A gradient handed to a tensor becomes that tensor's own, OWNED ({@link #claim}). If its memory is already
 *     someone's (an op passed one tensor to two inputs, or passed on a tensor it does not own), the tensor gets a
 *     copy instead.</li>
 * <li>Once an op's backward has run, its output's gradient is released, unless the op handed it on unchanged, and
 *     its output forgets the op ({@link #RELEASED}), so the op's saved activations can go; a second backward through
 *     that output fails and says so.</li>
 * </ol>
 * Passes nest (a checkpointed block runs a backward inside its op's backward); a claim counts in every open pass,
 * so a parameter's gradient made in the inner one survives the outer op's scope too. Outside a pass (a caller's own
 * {@code accumulateGrad}) a gradient is kept as given or replaced by a sum, never claimed.
 */
final class Backprop implements AutoCloseable {
    /** The creator of a tensor whose op a pass has run and released (rule 3). */
    static final Op RELEASED = Op.of("released graph", List.of(), () -> null, (g, y) -> { });

    /** A tensor's gradient: its value, and whether backward made it ({@code owned}) or a caller gave it. */
    record Gradient(Tensor value, boolean owned) {
    }

    private MemoryScope temps;
    private Storage upstream;
    private boolean upstreamHandedOn;
    private final List<Tensor> claimants = new ArrayList<>();
    private final Set<Storage> claimed = Collections.newSetFromMap(new IdentityHashMap<>());

    private Backprop() {
    }

    // ---------------------------------------------------------------- a tensor's gradient

    /** Adds {@code g}, already of {@code t}'s shape, to t's gradient: in place when owned, else claimed or summed. */
    static void accumulate(Tensor t, Tensor g) {
        Gradient current = t.grad;
        if (current != null && current.owned()) {
            t.backend().addInto(current.value(), g);
            return;
        }
        Tensor sum = current == null ? g : t.backend().binary(BinaryOp.ADD, current.value(), g);
        Backprop pass = Autograd.openPasses().peek();
        t.grad = pass == null ? new Gradient(sum, false) : new Gradient(pass.claim(sum, t), true);
    }

    /**
     * t's gradient when backward made it (OWNED), else null. An op may add its contribution to t into it in place,
     * as {@link #accumulate} would, and so fuse that addition into its own kernel.
     */
    static Tensor ownedGradient(Tensor t) {
        Gradient current = t.grad;
        return current != null && current.owned() ? current.value() : null;
    }

    /** Sets t's gradient to {@code value}, GIVEN: the caller keeps owning it (null removes the gradient). */
    static void give(Tensor t, Tensor value) {
        t.grad = value == null ? null : new Gradient(value, false);
    }

    /** Multiplies t's gradient by {@code s}: in place when owned, else by giving it the product. */
    static void scale(Tensor t, float s) {
        Gradient current = t.grad;
        if (current == null) {
            return;
        }
        if (current.owned()) {
            t.backend().scaleInPlace(current.value(), s);
        } else {
            give(t, t.backend().binaryScalar(BinaryOp.MUL, current.value(), s));
        }
    }

    /** Drops t's gradient, releasing its memory when owned. */
    static void zero(Tensor t) {
        Gradient current = t.grad;
        if (current != null && current.owned()) {
            current.value().storage().release();
        }
        t.grad = null;
    }

    /** Fails with a message when {@code t}'s graph was released by an earlier pass (rule 3). */
    static void requireGraph(Tensor t) {
        if (t.creator == RELEASED) {
            throw new IllegalStateException("backward through a graph that was already released: an earlier "
                    + "backward() freed the saved activations behind this tensor; run the forward pass again");
        }
    }

    // ---------------------------------------------------------------- a pass

    /** Starts a pass on this thread; close it when the pass ends. */
    static Backprop begin() {
        Backprop pass = new Backprop();
        Autograd.openPasses().push(pass);
        return pass;
    }

    /** Runs the op that made {@code t} with t's gradient (rules 1 and 3) and releases t's graph. */
    void step(Tensor t) {
        Op creator = t.creator;
        Gradient grad = t.grad;
        t.creator = RELEASED;
        t.grad = null;
        if (grad != null) {
            backward(creator, grad);
        }
    }

    /** {@code op}'s backward with dL/d(output) = {@code grad}, which is released afterwards if owned and not handed on. */
    private void backward(Op op, Gradient grad) {
        upstream = grad.owned() ? grad.value().storage() : null;
        upstreamHandedOn = false;
        claimants.clear();
        claimed.clear();
        try (MemoryScope scope = grad.value().backend().scope()) {
            temps = scope;
            Profiler.backward(op, grad.value());
            for (Tensor t : claimants) {
                scope.keep(t.grad());
            }
        }
        if (upstream != null && !upstreamHandedOn) {
            upstream.release();
        }
    }

    /** Rule 2: what {@code owner} may keep as its own gradient, {@code g} or a copy of it. */
    private Tensor claim(Tensor g, Tensor owner) {
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
        for (Backprop pass : Autograd.openPasses()) {
            pass.claimants.add(owner);
        }
        return owned;
    }

    @Override
    public void close() {
        Autograd.openPasses().remove(this);
    }
}
