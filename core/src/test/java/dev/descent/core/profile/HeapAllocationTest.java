package dev.descent.core.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link HeapAllocation} counts the bytes allocated on the Java heap by this thread and by a thread started after
 * the starting point, and {@link Profile#heapAllocatedBytes()} only those made while the profile recorded.
 */
class HeapAllocationTest {
    private static final int MIB = 1 << 20;
    /**
     * Room for whatever else the JVM allocates meanwhile: the test runner's threads, and the classes that the first
     * use of the profiler loads and initialises (under 1 MiB measured).
     */
    private static final long SLACK = 2 * MIB;
    /** Where each test keeps its arrays, so that the JIT cannot drop an allocation nobody reads. */
    private static final AtomicReference<Object> KEPT = new AtomicReference<>();

    @Test
    void countsThisThreadsAllocationsAndThoseOfAThreadStartedSince() throws InterruptedException {
        assertThat(HeapAllocation.measured()).as("HotSpot counts allocated bytes per thread").isTrue();
        HeapAllocation start = HeapAllocation.start();
        KEPT.set(new float[MIB]);
        Thread other = new Thread(() -> KEPT.set(new byte[4 * MIB]));
        other.start();
        CountDownLatch allocated = new CountDownLatch(1);
        Thread stillRunning = new Thread(() -> {
            KEPT.set(new byte[3 * MIB]);
            allocated.countDown();
            sleepUntilInterrupted();
        });
        stillRunning.start();
        allocated.await();
        other.join();
        long bytes = start.bytesSince();
        stillRunning.interrupt();
        stillRunning.join();
        assertThat(bytes).as("4 MiB here and 3 MiB on a live thread started since; the finished thread's 4 MiB "
                + "went with it").isBetween(7L * MIB, 7L * MIB + SLACK);
    }

    @Test
    void aProfileCountsTheHeapOnlyWhileItRecords() {
        Profile profile = Profiler.start();
        KEPT.set(new float[MIB]);
        profile.pause();
        KEPT.set(new float[4 * MIB]);
        profile.resume();
        KEPT.set(new float[MIB]);
        profile.close();
        assertThat(profile.heapAllocatedBytes()).isBetween(8L * MIB, 8L * MIB + SLACK);
        assertThat(profile.table()).contains("Java heap allocated: 8.");
    }

    private static void sleepUntilInterrupted() {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
