package dev.descent.core.cpu;

import dev.descent.core.MemoryScope;
import dev.descent.core.MemoryScopes;
import dev.descent.core.MemoryUsage;
import dev.descent.core.profile.Counter;
import dev.descent.core.profile.Profiler;
import java.util.Arrays;

/**
 * Memory of the CPU backend, per thread: the open {@link MemoryScope}s, a ledger of bytes made and not yet released,
 * and the arrays released for reuse. The ledger counts what a device would hold if it ran the same code, releasing
 * only what scopes and backward release. A released array goes to the thread's {@link ArrayPool}, and
 * {@link #zeroedArray} takes the next array of its length from there, zero-filled like a new one ({@link
 * #arrayToOverwrite} as it was left, for a kernel that writes every element); so a training
 * step, which releases and makes the same tensors each time, makes no new array after its first run, leaves the
 * garbage collector almost nothing, and the Java heap stays near the tensors held at the step's peak. The pool's
 * bound: at most the ledger's high-water mark, the most bytes live at once since the thread began (the arrays are
 * also held softly: see {@link ArrayPool}).
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

    /**
     * Bytes made and not released on one thread, the most at any moment since the last reset, and the released
     * arrays kept for reuse (at most the high-water mark: the most bytes ever live at once on this thread).
     */
    static final class Ledger {
        private final ArrayPool pool = new ArrayPool();
        private long live;
        private long peak;
        private long highWater;

        /** A released array of n floats, out of the pool, or null. */
        synchronized float[] reuse(int n) {
            return pool.take(n);
        }

        synchronized void made(long bytes) {
            live += bytes;
            peak = Math.max(peak, live);
            highWater = Math.max(highWater, live);
        }

        /** Takes a released storage's array off the live bytes and into the pool. */
        synchronized void released(float[] data) {
            live -= 4L * data.length;
            recycled(data);
        }

        /** Puts a kernel's scratch array, never counted as made, into the pool. */
        synchronized void recycled(float[] data) {
            pool.give(data);
            pool.trimTo(highWater);
        }

        synchronized long pooledBytes() {
            return pool.pooledBytes();
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

    /** A zero-filled array of n floats for a new storage on this thread: a released one when there is one. */
    static float[] zeroedArray(int n) {
        float[] reused = reused(n);
        if (reused == null) {
            return new float[n];
        }
        Arrays.fill(reused, 0f);
        return reused;
    }

    /**
     * An array of n floats for a new storage whose every element the caller writes before anything reads it: a
     * released one as it was left (zeroing it would be one more pass over memory, all of it overwritten next).
     */
    static float[] arrayToOverwrite(int n) {
        float[] reused = reused(n);
        return reused != null ? reused : new float[n];
    }

    /**
     * Gives back an array a kernel took with {@link #arrayToOverwrite} as scratch of its own (no storage holds it),
     * for the next array of its length on this thread.
     */
    static void recycle(float[] scratch) {
        THREAD.get().ledger().recycled(scratch);
    }

    /** A copy of {@code values} for a new storage on this thread, in a released array when there is one. */
    static float[] copyOf(float[] values) {
        float[] reused = reused(values.length);
        if (reused == null) {
            return values.clone();
        }
        System.arraycopy(values, 0, reused, 0, values.length);
        return reused;
    }

    /** A released array of n floats, or null: then the caller makes a new one, a profiled allocator miss. */
    private static float[] reused(int n) {
        float[] reused = THREAD.get().ledger().reuse(n);
        if (reused == null) {
            Profiler.count(Counter.ALLOCATOR_MISSES, 1);
        }
        return reused;
    }

    /** Bytes of released arrays this thread keeps for reuse. */
    static long pooledBytes() {
        return THREAD.get().ledger().pooledBytes();
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
