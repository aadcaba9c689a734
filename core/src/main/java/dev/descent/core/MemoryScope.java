package dev.descent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Deterministic release of tensor memory. Every storage a backend makes while this scope is the innermost open
 * one belongs to it and is released when the scope closes, except the ones {@link #keep kept}: a kept storage
 * moves to the enclosing scope (or to none, when this is the outermost), so it lives exactly as long as the
 * caller asks.
 *
 * <pre>{@code
 * try (MemoryScope step = backend.scope()) {
 *     Tensor loss = model.loss(x, y);
 *     loss.backward();
 *     for (Tensor p : params) step.keep(p.grad());   // gradients outlive the step; activations do not
 * }
 * }</pre>
 *
 * A device needs this because the Java garbage collector cannot see device memory: it would free a step's
 * gigabytes of activations whenever it happens to run. The CPU backend releases in the same way, so a CPU run
 * measures what a device would hold ({@link Backend#memory()}) and a use after release fails there too. Views
 * made by {@code reshape} or {@code detach} share their tensor's storage and are released with it.
 */
public final class MemoryScope implements AutoCloseable {
    private final MemoryScopes owner;
    private final MemoryScope parent;
    private final List<Storage> adopted = new ArrayList<>();
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    MemoryScope(MemoryScopes owner, MemoryScope parent) {
        this.owner = owner;
        this.parent = parent;
    }

    void adopt(Storage storage) {
        if (owned.add(storage)) {
            adopted.add(storage);
        }
    }

    /** Whether this scope will release {@code t}'s memory when it closes. */
    public boolean owns(Tensor t) {
        return owned.contains(t.storage());
    }

    /** Keeps the tensors' memory alive past this scope; tensors this scope does not own are left as they are. */
    public MemoryScope keep(Tensor... tensors) {
        synchronized (owner) {
            if (closed) {
                throw new IllegalStateException("scope.keep after the scope was closed");
            }
            for (Tensor t : tensors) {
                if (t != null && owned.remove(t.storage()) && parent != null) {
                    parent.adopt(t.storage());
                }
            }
        }
        return this;
    }

    /** Called by the owner when the scope closes: releases what it still owns, oldest first. */
    void releaseOwned() {
        closed = true;
        for (Storage s : adopted) {
            if (owned.contains(s)) {
                s.release();
            }
        }
        adopted.clear();
        owned.clear();
    }

    /** Releases every storage this scope still owns. Scopes close innermost first; closing twice does nothing. */
    @Override
    public void close() {
        synchronized (owner) {
            if (!closed) {
                owner.close(this);
            }
        }
    }
}
