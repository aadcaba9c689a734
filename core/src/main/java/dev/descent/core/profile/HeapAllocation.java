package dev.descent.core.profile;

import java.lang.management.ManagementFactory;

/**
 * Bytes the JVM's threads have allocated on the Java heap since a starting point: the garbage a piece of work made
 * (a training step's, with the worker threads that run its parallel kernels), read from the JVM's
 * per-thread allocation counters ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), which cost a
 * few microseconds for all threads and nothing while the work runs. The count is of every live thread, so it
 * includes whatever else the JVM ran meanwhile; a thread that ended in between takes its bytes with it.
 */
public final class HeapAllocation {
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private final long[] ids;
    private final long[] bytes;

    private HeapAllocation(long[] ids, long[] bytes) {
        this.ids = ids;
        this.bytes = bytes;
    }

    /** Whether this JVM counts allocated bytes per thread (HotSpot does); without it every count is −1. */
    public static boolean measured() {
        return THREADS != null;
    }

    /** The starting point: every live thread's bytes allocated so far. */
    public static HeapAllocation start() {
        if (THREADS == null) {
            return new HeapAllocation(new long[0], new long[0]);
        }
        long[] ids = THREADS.getAllThreadIds();
        return new HeapAllocation(ids, THREADS.getThreadAllocatedBytes(ids));
    }

    /**
     * Bytes allocated since {@link #start()} by the threads alive now: what each allocated since then, all of it for
     * a thread that started since; −1 when the JVM does not count.
     */
    public long bytesSince() {
        if (THREADS == null) {
            return -1;
        }
        long[] nowIds = THREADS.getAllThreadIds();
        long[] now = THREADS.getThreadAllocatedBytes(nowIds);
        long total = 0;
        for (int i = 0; i < nowIds.length; i++) {
            if (now[i] > 0) {
                total += now[i] - before(nowIds[i]);
            }
        }
        return total;
    }

    /** The thread's bytes at the start, 0 for a thread that did not exist then (ids are never reused). */
    private long before(long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return Math.max(0, bytes[i]);
            }
        }
        return 0;
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            t.setThreadAllocatedMemoryEnabled(true);
            return t;
        }
        return null;
    }
}
