package dev.descent.core.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a loop over {@code [0, n)} into chunks run on the calling thread and this class's fork-join pool when it is
 * worth it. The pool is its own, not the JDK's common pool: the common pool's workers clear their thread-locals
 * whenever they go idle (JDK 17 and 25), so the buffers a kernel keeps per thread (packed matmul panels, attention's
 * transposed keys) were made again on nearly every call, 30 to 60 MB of garbage per GPT-2 124M step. This pool's
 * workers keep theirs.
 */
final class Parallel {
    /** Below this much work (elements × cost), threads cost more than they save. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    /** The workers beside the calling thread: daemon threads, which end after a minute without work. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS - 1));

    private Parallel() {
    }

    /** Work on the index range {@code [from, to)}. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)}; {@code costPerItem} is a rough number of operations per index. The
     * range is cut into up to 4 chunks per core at fixed bounds; the calling thread and the pool's workers take the
     * next chunk until none is left, so a core slowed by other work takes fewer.
     */
    static void forRange(int n, long costPerItem, Range body) {
        long work = n * Math.max(1, costPerItem);
        int chunks = (int) Math.min(n, Math.min(THREADS * 4L, work / MIN_PARALLEL_WORK));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable takeChunks = () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
        };
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[Math.min(chunks, THREADS) - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = POOL.submit(takeChunks);
        }
        try {
            takeChunks.run();
        } finally {
            for (ForkJoinTask<?> helper : helpers) {
                helper.join();
            }
        }
    }
}
