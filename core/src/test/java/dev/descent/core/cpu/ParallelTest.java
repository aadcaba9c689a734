package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Parallel#forRange}'s contract: every index once, in chunks at fixed bounds whoever runs them; a loop started
 * inside a chunk or beside another loop runs to the end; a caller out of chunks waits for the helpers that joined its
 * loop and for no other; an exception thrown in a chunk, on the caller or a worker, reaches the caller, and the
 * workers serve the next loop.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelTest {
    /** Enough work per index that the loop is split: 1000 indices × 2^10 operations. */
    private static final int N = 1000;
    private static final long COST = 1 << 10;

    /** Visits of each index of [0, N) by {@code forRange}, and the chunks it was given. */
    private static AtomicLongArray visit(List<int[]> chunks) {
        AtomicLongArray visits = new AtomicLongArray(N);
        Parallel.forRange(N, COST, (from, to) -> {
            synchronized (chunks) {
                chunks.add(new int[] {from, to});
            }
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        });
        return visits;
    }

    private static void assertEachIndexOnce(AtomicLongArray visits) {
        for (int i = 0; i < visits.length(); i++) {
            assertThat(visits.get(i)).as("visits of index %d", i).isEqualTo(1);
        }
    }

    @Test
    void everyIndexOnceInChunksAtFixedBounds() {
        int cores = Runtime.getRuntime().availableProcessors();
        int expectedChunks = Math.min(N, cores * 4);
        for (int run = 0; run < 50; run++) {
            List<int[]> chunks = new ArrayList<>();
            assertEachIndexOnce(visit(chunks));
            chunks.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<int[]> expected = new ArrayList<>();
            for (int c = 0; c < expectedChunks; c++) {
                expected.add(new int[] {N * c / expectedChunks, N * (c + 1) / expectedChunks});
            }
            assertThat(chunks).as("run %d", run).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLoopInsideAChunkRunsToTheEnd() {
        AtomicLongArray inner = new AtomicLongArray(N);
        Parallel.forRange(8, 1L << 20, (from, to) -> {
            for (int i = from; i < to; i++) {
                Parallel.forRange(N, COST, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        inner.incrementAndGet(j);
                    }
                });
            }
        });
        for (int j = 0; j < N; j++) {
            assertThat(inner.get(j)).isEqualTo(8);
        }
    }

    @Test
    void loopsFromTwoThreadsAtOnceBothCoverTheirRange() throws InterruptedException {
        List<AtomicLongArray> results = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread thread = new Thread(() -> {
                for (int run = 0; run < 200; run++) {
                    results.add(visit(new ArrayList<>()));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(results).hasSize(400);
        results.forEach(ParallelTest::assertEachIndexOnce);
    }

    @Test
    void aCallerOutOfChunksDoesNotWaitForAHelperThatHasNotStarted() {
        // a loop of 8 chunks with one helper, which is late: the caller runs them all and returns without it
        AtomicLongArray visits = new AtomicLongArray(N);
        Parallel.Job job = new Parallel.Job((from, to) -> {
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        }, N, 8, 1);
        job.takeChunks();
        job.awaitHelpers();
        // the helper comes after all: nothing is left to it, and it does not block
        job.help();
        assertEachIndexOnce(visits);
        assertThat(job.helpersLeft.get()).isZero();
    }

    @Test
    void aHelperThatJoinedIsWaitedFor() throws InterruptedException {
        // the helper joins first and holds chunk 0 for 200 ms; the caller runs the other 7, then must wait for it
        AtomicLongArray visits = new AtomicLongArray(N);
        CountDownLatch helperInChunk = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        Parallel.Job job = new Parallel.Job((from, to) -> {
            if (from == 0) {
                helperInChunk.countDown();
                awaitQuietly(release);
            }
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        }, N, 8, 1);
        Thread helper = new Thread(job::help);
        helper.start();
        helperInChunk.await();
        Thread releaser = new Thread(() -> {
            sleepQuietly(200);
            released.set(true);
            release.countDown();
        });
        releaser.start();
        job.takeChunks();
        job.awaitHelpers();
        assertThat(released).as("the caller waited for the helper's chunk").isTrue();
        assertEachIndexOnce(visits);
        helper.join();
        releaser.join();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anExceptionInAnyChunkReachesTheCallerAndTheNextLoopRuns() {
        for (int run = 0; run < 20; run++) {
            // every chunk but the first throws, whichever thread takes it
            assertThatThrownBy(() -> Parallel.forRange(N, COST, (from, to) -> {
                if (from > 0) {
                    throw new IllegalStateException("chunk from " + from);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("chunk from ");
            assertEachIndexOnce(visit(new ArrayList<>()));
        }
    }
}
