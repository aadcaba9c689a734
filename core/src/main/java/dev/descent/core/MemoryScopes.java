package dev.descent.core;

import java.util.ArrayDeque;

/**
 * The open {@link MemoryScope}s of one backend (or, on the CPU, of one thread), innermost on top. A backend calls
 * {@link #adopt} for every storage it makes, so the innermost scope owns it.
 */
public final class MemoryScopes {
    private final ArrayDeque<MemoryScope> open = new ArrayDeque<>();

    /** Opens a scope nested in the current innermost one. */
    public synchronized MemoryScope open() {
        MemoryScope scope = new MemoryScope(this, open.peek());
        open.push(scope);
        return scope;
    }

    /** Gives a new storage to the innermost open scope, if any. */
    public synchronized void adopt(Storage storage) {
        MemoryScope innermost = open.peek();
        if (innermost != null) {
            innermost.adopt(storage);
        }
    }

    synchronized void close(MemoryScope scope) {
        if (open.peek() != scope) {
            throw new IllegalStateException("memory scopes must be closed innermost first (try-with-resources does this)");
        }
        open.pop();
        scope.releaseOwned();
    }
}
