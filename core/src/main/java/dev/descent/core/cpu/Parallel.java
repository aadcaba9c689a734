package dev.descent.core.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Splits a loop over {@code [0, n)} into chunks run on the calling thread and this class's workers when it is worth
 * it. The workers are threads of its own, one per core beside the caller, for two reasons (both measured, see
 * docs/PERFORMANCE.md):
 * <ul>
 *   <li>They keep their thread-locals. The JDK's common fork-join pool clears its workers' thread-locals whenever
 *       they go idle, so the buffers a kernel keeps per thread (packed matmul panels, attention's transposed keys)
 *       were made again on nearly every call, 30 to 60 MB of garbage per GPT-2 124M step.</li>
 *   <li>They wait for the next job for {@link #SPIN_NANOS} before they park, giving the core to any other thread
 *       that wants it meanwhile ({@link Thread#yield}), so that the next kernel of a training step finds them
 *       awake. A parked worker took 70 µs to a few ms to start on the 2-core virtual machines this was measured on,
 *       so that with the fork-join pool a third of the (256 × 3072)·(3072 × 768) products of GPT-2 124M ran at one
 *       core's rate. Spinning without yielding ({@link Thread#onSpinWait}) took the core from the JIT compiler and
 *       the garbage collector: a small GPT's step (TimePlanTest's) took 18 to 24 ms, against 16 to 20 with the
 *       fork-join pool and 13 to 14.5 yielding.</li>
 * </ul>
 * One loop at a time uses the workers: a loop started while they are busy (from inside a chunk, or from another
 * thread) runs its chunks on its own thread, at the same bounds, so its result has the same bits. A caller that has
 * run out of chunks waits only for the workers that started on its loop, not for one still waking up, which can
 * take longer than a small loop on one core (the tiny GPT's AdamW step went from 1.17 to 1.32 ms to 0.92 to
 * 1.08, its gradient norm from 0.61 to 0.93 ms to 0.54 to 0.82; docs/PERFORMANCE.md).
 */
final class Parallel {
    /** Below this much work (elements × cost), threads cost more than they save. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    /**
     * How long a worker (and a caller waiting for one) yields before it parks: 1 ms. With 200 µs, most
     * (256 × 3072)·(3072 × 768) products called back to back ran at one core's rate (measured, not analysed).
     */
    private static final long SPIN_NANOS = 1_000_000;
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    private Parallel() {
    }

    /** Work on the index range {@code [from, to)}. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)}; {@code costPerItem} is a rough number of operations per index. The
     * range is cut into up to 4 chunks per core at fixed bounds; the calling thread and the workers take the next
     * chunk until none is left, so a core slowed by other work takes fewer. A chunk's exception reaches the caller
     * once every chunk has ended.
     */
    static void forRange(int n, long costPerItem, Range body) {
        long work = n * Math.max(1, costPerItem);
        int chunks = (int) Math.min(n, Math.min(THREADS * 4L, work / MIN_PARALLEL_WORK));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        Job job = new Job(body, n, chunks, Math.min(chunks, THREADS) - 1);
        if (job.helpers == 0 || !BUSY.compareAndSet(false, true)) {
            job.takeChunks();
            return;
        }
        try {
            for (int i = 0; i < job.helpers; i++) {
                WORKERS[i].hand(job);
            }
            try {
                job.takeChunks();
            } finally {
                job.awaitHelpers();
            }
        } finally {
            BUSY.set(false);
        }
        job.rethrowHelperFailure();
    }

    /** Returns once {@code done} holds: yielding for {@link #SPIN_NANOS}, then parked until an unpark. */
    private static void await(BooleanSupplier done, Object blocker) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() < spinUntil) {
                Thread.yield();
            } else {
                LockSupport.park(blocker);
            }
        }
    }

    private static Worker[] startWorkers(int count) {
        Worker[] workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
        return workers;
    }

    /** One loop: its chunks, the next one to take, and the helpers still at work on it. */
    static final class Job {
        final Range body;
        final int n;
        final int chunks;
        final int helpers;
        final Thread caller = Thread.currentThread();
        final AtomicInteger next = new AtomicInteger();
        /** Helpers that joined and have not finished, and those that may still join. */
        final AtomicInteger helpersLeft;
        /** Helpers that may still join; {@link #awaitHelpers} closes the loop to the rest. */
        final AtomicInteger seats;
        volatile Throwable helperFailure;

        Job(Range body, int n, int chunks, int helpers) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.helpers = helpers;
            this.helpersLeft = new AtomicInteger(helpers);
            this.seats = new AtomicInteger(helpers);
        }

        /** Chunk c is {@code [n·c/chunks, n·(c+1)/chunks)}, whoever runs it. */
        void takeChunks() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
        }

        /**
         * Run by a worker: chunks until none is left; the last helper to finish wakes the caller. A worker that comes
         * after the caller closed the loop runs nothing.
         */
        void help() {
            if (seats.getAndDecrement() <= 0) {
                return;
            }
            try {
                takeChunks();
            } catch (Throwable t) {
                helperFailure = t;
            } finally {
                if (helpersLeft.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /**
         * Closes the loop to the helpers that have not joined it, then waits for those that did. The seats left are
         * those helpers (each helper takes at most one, so none is below 0 before this).
         */
        void awaitHelpers() {
            if (helpersLeft.addAndGet(-seats.getAndSet(0)) > 0) {
                await(() -> helpersLeft.get() == 0, this);
            }
        }

        void rethrowHelperFailure() {
            Throwable t = helperFailure;
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** A daemon thread that runs the jobs handed to it, yielding a while after each before it parks. */
    private static final class Worker extends Thread {
        /** The job handed to it and not yet taken; a newer one replaces a job its caller no longer waits for. */
        private final AtomicReference<Job> job = new AtomicReference<>();

        Worker(int index) {
            super("descent-parallel-" + index);
            setDaemon(true);
        }

        void hand(Job next) {
            job.set(next);
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job next = awaitJob();
                job.compareAndSet(next, null);
                next.help();
            }
        }

        private Job awaitJob() {
            await(() -> job.get() != null, this);
            return job.get();
        }
    }
}
