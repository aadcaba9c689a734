package dev.descent.cuda.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Released blocks come back from the cache, and the peak is measured between resets (on a fake device). */
class AllocatorReuseTest {
    private final FakeDeviceMemory device = new FakeDeviceMemory(1 << 30);
    private final CachingAllocator alloc = new CachingAllocator(device, 0);

    @Test
    void repeatedStepsThatReleaseTheirBuffersReuseTheSameBlocks() {
        for (int step = 0; step < 5; step++) {
            DeviceBuffer a = alloc.allocate(1 << 20);
            DeviceBuffer b = alloc.allocate(3 << 20);
            DeviceBuffer c = alloc.allocate(1 << 20);
            a.release();
            b.release();
            c.release();
        }
        assertThat(device.mallocs).isEqualTo(3);
        assertThat(alloc.stats().cacheHits()).isEqualTo(12);
        assertThat(alloc.stats().liveBytes()).isZero();
    }

    @Test
    void releasingTwiceIsHarmless() {
        DeviceBuffer a = alloc.allocate(4096);
        a.release();
        a.release();
        alloc.allocate(4096);
        assertThat(alloc.stats().liveBuffers()).isEqualTo(1);
        assertThat(alloc.stats().cachedBytes()).isZero();
    }

    @Test
    void thePeakIsTheMostLiveAtOnceSinceTheLastReset() {
        DeviceBuffer big = alloc.allocate(8 << 20);
        DeviceBuffer small = alloc.allocate(1 << 20);
        big.release();
        assertThat(alloc.stats().peakLiveBytes()).isEqualTo(9 << 20);
        alloc.resetPeak();
        assertThat(alloc.stats().peakLiveBytes()).isEqualTo(1 << 20);
        alloc.allocate(2 << 20);
        small.release();
        assertThat(alloc.stats().peakLiveBytes()).isEqualTo(3 << 20);
    }
}
