package dev.descent.core.cpu;

import java.util.stream.IntStream;

/** Splits a loop over {@code [0, n)} into chunks run on the common fork-join pool when it is worth it. */
final class Parallel {
    /** Below this much work (elements × cost), threads cost more than they save. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private Parallel() {
    }

    /** Work on the index range {@code [from, to)}. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code [0, n)}; {@code costPerItem} is a rough number of operations per index. */
    static void forRange(int n, long costPerItem, Range body) {
        long work = n * Math.max(1, costPerItem);
        int chunks = (int) Math.min(n, Math.min(THREADS * 4L, work / MIN_PARALLEL_WORK));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(
                (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }
}
