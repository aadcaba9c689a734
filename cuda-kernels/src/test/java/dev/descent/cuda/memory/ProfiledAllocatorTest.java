package dev.descent.cuda.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.profile.Counter;
import dev.descent.core.profile.EventKind;
import dev.descent.core.profile.Profile;
import dev.descent.core.profile.ProfileRow;
import dev.descent.core.profile.Profiler;
import dev.descent.core.profile.Span;
import org.junit.jupiter.api.Test;

/** The caching allocator's counts in a profile, on a pretend device: a miss is a request the cache could not serve. */
class ProfiledAllocatorTest {
    @Test
    void missesAreTheRequestsThatReachedTheDeviceAndEveryRequestCountsItsBlock() {
        FakeDeviceMemory device = new FakeDeviceMemory(1 << 20);
        CachingAllocator alloc = new CachingAllocator(device, 0);
        alloc.allocate(1000).release();                    // before the profile: a cached 1 KiB block
        Profile p = Profiler.start();
        try (p; Span step = Profiler.phase("step")) {
            DeviceBuffer hit = alloc.allocate(900);        // the cached block
            DeviceBuffer miss = alloc.allocate(1000);      // the same class, but the cache is empty now
            alloc.allocate(5000);                          // another class
            hit.release();
            miss.release();
            alloc.allocate(1024);                          // served from the cache again
        }
        ProfileRow step = p.row(EventKind.PHASE, "step", "step").orElseThrow();
        assertThat(step.count(Counter.ALLOCATOR_MISSES)).isEqualTo(device.mallocs - 1).isEqualTo(2);
        assertThat(step.count(Counter.ALLOCATIONS)).isEqualTo(4);
        assertThat(step.count(Counter.ALLOCATED_BYTES)).isEqualTo(1024 + 1024 + CachingAllocator.sizeClass(5000) + 1024);
    }
}
