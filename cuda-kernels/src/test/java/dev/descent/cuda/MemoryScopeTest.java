package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

class MemoryScopeTest {
    private final FakeDeviceMemory device = new FakeDeviceMemory(1 << 30);
    private final CachingAllocator alloc = new CachingAllocator(device, 0);

    @Test
    void closingReleasesEveryBufferMadeInsideExceptTheKeptOnes() {
        DeviceBuffer before = alloc.allocate(100);
        DeviceBuffer temp;
        DeviceBuffer kept;
        try (MemoryScope scope = alloc.openScope()) {
            temp = alloc.allocate(1000);
            kept = alloc.allocate(2000);
            scope.keep(kept);
            scope.keep(before);                                     // not the scope's: nothing changes
        }
        assertThat(temp.isReleased()).isTrue();
        assertThat(kept.isReleased()).isFalse();
        assertThat(before.isReleased()).isFalse();
        assertThat(alloc.stats().liveBuffers()).isEqualTo(2);
    }

    @Test
    void aKeptBufferMovesToTheEnclosingScopeAndDiesWithIt() {
        DeviceBuffer inner;
        DeviceBuffer outerTemp;
        try (MemoryScope outer = alloc.openScope()) {
            outerTemp = alloc.allocate(64);
            try (MemoryScope in = alloc.openScope()) {
                inner = alloc.allocate(64);
                in.keep(inner);
            }
            assertThat(inner.isReleased()).isFalse();
        }
        assertThat(inner.isReleased()).isTrue();
        assertThat(outerTemp.isReleased()).isTrue();
        assertThat(alloc.stats().liveBuffers()).isZero();
    }

    @Test
    void repeatedStepsInScopesReuseTheSameBlocks() {
        for (int step = 0; step < 5; step++) {
            try (MemoryScope s = alloc.openScope()) {
                alloc.allocate(1 << 20);
                alloc.allocate(3 << 20);
                alloc.allocate(1 << 20);
            }
        }
        assertThat(device.mallocs).isEqualTo(3);
        assertThat(alloc.stats().cacheHits()).isEqualTo(12);
        assertThat(alloc.stats().liveBytes()).isZero();
    }

    @Test
    void scopesMustCloseInnermostFirstAndCloseOnlyOnce() {
        MemoryScope outer = alloc.openScope();
        MemoryScope inner = alloc.openScope();
        assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("innermost first");
        inner.close();
        inner.close();
        outer.close();
        assertThatThrownBy(() -> outer.keep(alloc.allocate(8))).hasMessageContaining("after the scope was closed");
    }

    @Test
    void buffersReleasedByHandInsideAScopeAreNotReleasedTwice() {
        DeviceBuffer a;
        try (MemoryScope s = alloc.openScope()) {
            a = alloc.allocate(4096);
            a.release();
            alloc.allocate(4096);                                   // reuses a's block, owned by the scope too
        }
        assertThat(alloc.stats().liveBuffers()).isZero();
        assertThat(alloc.stats().cachedBytes()).isEqualTo(4096);
    }

    @Test
    void keepingACpuTensorSaysWhereItLives() {
        try (MemoryScope s = alloc.openScope()) {
            assertThatThrownBy(() -> s.keep(Tensor.zeros(2))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lives on cpu");
        }
    }
}
