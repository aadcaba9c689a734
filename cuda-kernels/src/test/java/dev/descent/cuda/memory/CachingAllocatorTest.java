package dev.descent.cuda.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.cuda.CudaOutOfMemoryError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CachingAllocatorTest {
    private static final long MIB = 1 << 20;

    @ParameterizedTest
    @CsvSource({"1, 512", "512, 512", "513, 1024", "1000, 1024", "4096, 4096", "4097, 4608", "1048576, 1048576",
        "1048577, 1179648", "3145729, 3407872"})
    void sizeClassesRoundUpToAnEighthOfThePowerOfTwo(long bytes, long expected) {
        assertThat(CachingAllocator.sizeClass(bytes)).isEqualTo(expected);
    }

    @Test
    void sizeClassWastesAtMostAnEighth() {
        for (long bytes = 4096; bytes < (1L << 34); bytes = bytes * 3 / 2 + 7) {
            long cls = CachingAllocator.sizeClass(bytes);
            assertThat(cls).isGreaterThanOrEqualTo(bytes);
            assertThat((double) (cls - bytes) / bytes).as("waste for %d", bytes).isLessThanOrEqualTo(0.125);
        }
    }

    @Test
    void releasedBlockIsReusedForTheSameSizeClassWithoutAskingTheDevice() {
        FakeDeviceMemory device = new FakeDeviceMemory(64 * MIB);
        CachingAllocator alloc = new CachingAllocator(device, 0);
        DeviceBuffer a = alloc.allocate(1000);
        long address = a.address();
        a.release();
        DeviceBuffer b = alloc.allocate(900);                       // same class (1024)
        assertThat(b.address()).isEqualTo(address);
        assertThat(device.mallocs).isEqualTo(1);
        DeviceBuffer c = alloc.allocate(5000);                      // other class: a new block
        assertThat(c.address()).isNotEqualTo(address);
        assertThat(device.mallocs).isEqualTo(2);
        MemoryStats s = alloc.stats();
        assertThat(s.cacheHits()).isEqualTo(1);
        assertThat(s.liveBuffers()).isEqualTo(2);
        assertThat(s.liveBytes()).isEqualTo(1024 + CachingAllocator.sizeClass(5000));
        assertThat(s.cachedBytes()).isZero();
    }

    @Test
    void releaseIsIdempotentAndUseAfterReleaseNamesTheProblem() {
        CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(MIB), 0);
        DeviceBuffer a = alloc.allocate(100);
        a.release();
        a.release();
        assertThat(alloc.stats().cachedBytes()).isEqualTo(512);
        assertThat(alloc.stats().liveBuffers()).isZero();
        assertThatThrownBy(a::address).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("used after it was released").hasMessageContaining("scope.keep");
    }

    @Test
    void emptyBuffersTouchNoDeviceMemory() {
        FakeDeviceMemory device = new FakeDeviceMemory(MIB);
        CachingAllocator alloc = new CachingAllocator(device, 0);
        DeviceBuffer empty = alloc.allocate(0);
        assertThat(empty.address()).isZero();
        empty.release();
        assertThat(device.mallocs).isZero();
        assertThat(alloc.stats().reservedBytes()).isZero();
    }

    @Test
    void emptyCacheGivesEveryCachedBlockBack() {
        FakeDeviceMemory device = new FakeDeviceMemory(64 * MIB);
        CachingAllocator alloc = new CachingAllocator(device, 0);
        alloc.allocate(MIB).release();
        alloc.allocate(3 * MIB).release();
        DeviceBuffer live = alloc.allocate(2 * MIB);
        alloc.emptyCache();
        assertThat(device.frees).isEqualTo(2);
        assertThat(device.usedBytes()).isEqualTo(2 * MIB);
        assertThat(alloc.stats().cachedBytes()).isZero();
        assertThat(live.isReleased()).isFalse();
    }

    @Test
    void capCountsCachedBlocksAndEmptiesTheCacheBeforeGivingUp() {
        FakeDeviceMemory device = new FakeDeviceMemory(1024 * MIB);
        CachingAllocator alloc = new CachingAllocator(device, 8 * MIB);
        alloc.allocate(4 * MIB).release();                         // 4 MiB cached
        DeviceBuffer b = alloc.allocate(6 * MIB);                   // 4 cached + 6 > 8: cache emptied, then fits
        assertThat(device.frees).isEqualTo(1);
        assertThat(alloc.stats().reservedBytes()).isEqualTo(6 * MIB);
        assertThat(b.isReleased()).isFalse();
    }

    @Test
    void outOfMemoryUnderTheCapSaysWhatWasAskedWhatIsHeldTheCapAndWhatToChange() {
        CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1024 * MIB), ByteSize.parse("8m"));
        alloc.allocate(6 * MIB);
        alloc.allocate(MIB).release();
        assertThatThrownBy(() -> alloc.allocate(3 * MIB)).isInstanceOf(CudaOutOfMemoryError.class)
                .hasMessageContaining("cannot allocate 3.00 MiB")
                .hasMessageContaining("cap of 8.00 MiB (vramLimitBytes)")
                .hasMessageContaining("6.00 MiB live in 1 buffers")
                .hasMessageContaining("0 B cached")                 // the cache was emptied before giving up
                .hasMessageContaining("micro-batch")
                .hasMessageContaining("backend.scope()")
                .hasMessageContaining("raise or remove the cap");
    }

    @Test
    void outOfMemoryOnTheDeviceRetriesAfterEmptyingTheCacheThenReportsDeviceFreeMemory() {
        FakeDeviceMemory device = new FakeDeviceMemory(10 * MIB);
        CachingAllocator alloc = new CachingAllocator(device, 0);
        alloc.allocate(4 * MIB).release();
        DeviceBuffer keep = alloc.allocate(5 * MIB);                // 4 cached + 5 live on a 10 MiB device
        DeviceBuffer big = alloc.allocate(5 * MIB);                 // fails once, cache emptied, then fits
        assertThat(device.frees).isEqualTo(1);
        assertThat(keep.isReleased() || big.isReleased()).isFalse();
        assertThatThrownBy(() -> alloc.allocate(2 * MIB)).isInstanceOf(CudaOutOfMemoryError.class)
                .hasMessageContaining("the device has no free block that large")
                .hasMessageContaining("the device reports 0 B free")
                .hasMessageContaining("cap none")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("raise or remove the cap"));
    }

    @Test
    void negativeSizesAndCapsAreRejected() {
        assertThatThrownBy(() -> new CachingAllocator(new FakeDeviceMemory(1), -1))
                .hasMessageContaining("vramLimitBytes");
        CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1), 0);
        assertThatThrownBy(() -> alloc.allocate(-5)).hasMessageContaining("-5 bytes");
    }

    @Test
    void peakLiveBytesRemembersTheHighWaterMark() {
        CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(64 * MIB), 0);
        DeviceBuffer a = alloc.allocate(2 * MIB);
        DeviceBuffer b = alloc.allocate(3 * MIB);
        a.release();
        b.release();
        alloc.allocate(MIB);
        assertThat(alloc.stats().peakLiveBytes()).isEqualTo(5 * MIB);
        assertThat(alloc.stats().liveBytes()).isEqualTo(MIB);
    }
}
