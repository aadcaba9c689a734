package dev.descent.core.cpu;

import dev.descent.core.MemoryScope;
import dev.descent.core.MemoryScopes;
import dev.descent.core.MemoryUsage;
import dev.descent.core.profile.Profiler;

/**
 * Memory bookkeeping of the CPU backend, per thread: the open {@link MemoryScope}s and a ledger of bytes made and
 * not yet released. The Java heap itself is left to the garbage collector; the ledger counts what a device would
 * hold if it ran the same code, releasing only what scopes and backward release.
 */
final class CpuMemory {
    private static final ThreadLocal<PerThread> THREAD = ThreadLocal.withInitial(PerThread::new);

    /** One thread's ledger and open scopes. */
    private record PerThread(Ledger ledger, MemoryScopes scopes) {
        PerThread() {
            this(new Ledger(), new MemoryScopes());
        }
    }

    private CpuMemory() {
    }

    /** Bytes made and not released on one thread, and the most at any moment since the last reset. */
    static final class Ledger {
        private long live;
        private long peak;

        synchronized void made(long bytes) {
            live += bytes;
            peak = Math.max(peak, live);
        }

        synchronized void released(long bytes) {
            live -= bytes;
        }

        synchronized MemoryUsage usage() {
            return new MemoryUsage(live, peak);
        }

        synchronized void resetPeak() {
            peak = live;
        }
    }

    /** Counts a new storage on this thread's ledger and gives it to this thread's innermost scope. */
    static Ledger made(CpuStorage storage) {
        PerThread thread = THREAD.get();
        thread.ledger().made(4L * storage.size());
        Profiler.allocated(4L * storage.size());
        thread.scopes().adopt(storage);
        return thread.ledger();
    }

    static MemoryScope openScope() {
        return THREAD.get().scopes().open();
    }

    static MemoryUsage usage() {
        return THREAD.get().ledger().usage();
    }

    static void resetPeak() {
        THREAD.get().ledger().resetPeak();
    }
}
