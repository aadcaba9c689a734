package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.DeviceBuffer;
import dev.descent.cuda.memory.FakeDeviceMemory;
import org.junit.jupiter.api.Test;

/** Launch shapes and argument checks: the host-side arithmetic of a launch. */
class LaunchTest {
    @Test
    void launchShapesRespectCudaLimits() {
        assertThat(LaunchShape.strided(1, 256)).hasToString("<<<(1, 1, 1), (256, 1, 1)>>>");
        assertThat(LaunchShape.strided(0, 256).gridX()).isEqualTo(1);
        assertThat(LaunchShape.strided(1L << 40, 256).gridX()).isEqualTo(LaunchShape.MAX_STRIDED_BLOCKS);
        assertThat(LaunchShape.covering(1000, 256).gridX()).isEqualTo(4);
        assertThatThrownBy(() -> new LaunchShape(1, 70_000, 1, 32, 1, 1)).hasMessageContaining("65535");
        assertThatThrownBy(() -> new LaunchShape(1, 1, 1, 64, 32, 1)).hasMessageContaining("1024 threads");
        assertThatThrownBy(() -> new LaunchShape(0, 1, 1, 1, 1, 1)).hasMessageContaining("positive");
    }

    @Test
    void launchArgumentsAreCheckedAgainstTheKernelSignature() {
        CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1 << 20), 0);
        DeviceBuffer buf = alloc.allocate(64);
        Kernels.UNARY.checkArgs(new Object[] {1, 16, buf, null});
        assertThatThrownBy(() -> Kernels.UNARY.checkArgs(new Object[] {1, 16, buf}))
                .hasMessageContaining("unary_f32 takes 4 arguments (iipp), got 3");
        assertThatThrownBy(() -> Kernels.BINARY_SCALAR.checkArgs(new Object[] {1, 16, buf, 2.0, buf}))
                .hasMessageContaining("argument 3 must be 'f'");
        assertThatThrownBy(() -> Kernels.GATHER.checkArgs(new Object[] {1, new int[33], buf, buf}))
                .hasMessageContaining("argument 1 must be 's'");
        assertThatThrownBy(() -> new KernelSpec("x.cu", "k", "ipq")).hasMessageContaining("i, f, p or s");
    }
}
