package dev.descent.cuda;

import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic release of temporaries: every device buffer allocated while this scope is the innermost open one
 * is released when it closes, except the ones {@link #keep kept}. A kept buffer moves to the enclosing scope (or
 * to no scope, when this is the outermost), so it survives exactly as long as the caller asks.
 *
 * <pre>{@code
 * try (MemoryScope step = backend.scope()) {
 *     Tensor loss = model.loss(x, y);
 *     loss.backward();
 *     for (Tensor p : params) step.keep(p.grad());   // gradients outlive the step; activations do not
 * }
 * }</pre>
 *
 * Releasing does not wait for the GPU: the block returns to the allocator's cache and is only handed out to work
 * queued later on the same stream. Views made by {@code reshape} or {@code detach} share their tensor's storage,
 * so they become unusable together with it.
 */
public final class MemoryScope implements AutoCloseable {
    private final CachingAllocator allocator;
    private final MemoryScope parent;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    private boolean closed;

    MemoryScope(CachingAllocator allocator, MemoryScope parent) {
        this.allocator = allocator;
        this.parent = parent;
    }

    void adopt(DeviceBuffer buffer) {
        buffer.scope = this;
        owned.add(buffer);
    }

    /** Keeps the tensors' device memory alive past this scope; tensors this scope does not own are left as they are. */
    public MemoryScope keep(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (!(t.storage() instanceof CudaStorage s)) {
                throw new IllegalArgumentException("scope.keep: the tensor lives on " + t.backend().name()
                        + ", not on a CUDA backend");
            }
            keep(s.buffer());
        }
        return this;
    }

    /** Keeps one buffer alive past this scope (see {@link #keep(Tensor...)}). */
    public MemoryScope keep(DeviceBuffer buffer) {
        synchronized (allocator) {
            if (closed) {
                throw new IllegalStateException("scope.keep after the scope was closed");
            }
            if (buffer.scope == this) {
                buffer.scope = null;
                if (parent != null) {
                    parent.adopt(buffer);
                }
            }
        }
        return this;
    }

    /** Called by the allocator when the scope closes. */
    void releaseOwned() {
        closed = true;
        for (DeviceBuffer b : owned) {
            if (b.scope == this) {
                b.scope = null;
                b.release();
            }
        }
        owned.clear();
    }

    /** Releases every buffer this scope still owns. Scopes close innermost first; closing twice does nothing. */
    @Override
    public void close() {
        synchronized (allocator) {
            if (!closed) {
                allocator.closeScope(this);
            }
        }
    }
}
