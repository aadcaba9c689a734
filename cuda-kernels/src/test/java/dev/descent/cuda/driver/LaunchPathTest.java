package dev.descent.cuda.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import dev.descent.core.Shape;
import dev.descent.cuda.CudaCallException;
import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.Kernels;
import dev.descent.cuda.kernels.LaunchShape;
import dev.descent.cuda.kernels.StridedLayout;
import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.DeviceBuffer;
import dev.descent.cuda.memory.FakeDeviceMemory;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/**
 * The host side of a launch, with the driver call stubbed: what the driver would read from the argument block, how
 * often a function is looked up, what a failure says, and that a launch allocates nothing on the Java heap.
 */
class LaunchPathTest {
    private static final long BLOCK_ADDRESS = 0x7f00_0000_1000L;

    private final ByteBuffer memory = ByteBuffer.allocateDirect(ParamBlock.BYTES).order(ByteOrder.nativeOrder());
    private final ParamBlock block = new ParamBlock(new Pointer(), BLOCK_ADDRESS, memory);
    private final CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1 << 20), 0);

    /** Argument i as the driver finds it: follow table entry i to its bytes. */
    private int argumentOffset(int i) {
        long address = memory.getLong(8 * i);
        return Math.toIntExact(address - BLOCK_ADDRESS);
    }

    @Test
    void everyArgumentIsWhereTheTableSays() {
        DeviceBuffer a = alloc.allocate(64);
        DeviceBuffer b = alloc.allocate(64);
        StridedLayout layout = StridedLayout.broadcast(Shape.of(4, 7, 33), Shape.of(33), Shape.of(7, 1));
        block.pack(Kernels.BINARY_BCAST, new Object[] {3, 924, layout, a, null, b});
        assertThat(memory.getInt(argumentOffset(0))).isEqualTo(3);
        assertThat(memory.getInt(argumentOffset(1))).isEqualTo(924);
        int[] words = layout.words();
        for (int w = 0; w < StridedLayout.WORDS; w++) {
            assertThat(memory.getInt(argumentOffset(2) + 4 * w)).as("Strided word %d", w).isEqualTo(words[w]);
        }
        assertThat(memory.getLong(argumentOffset(3))).isEqualTo(a.address());
        assertThat(memory.getLong(argumentOffset(4))).isZero();
        assertThat(memory.getLong(argumentOffset(5))).isEqualTo(b.address());
        block.pack(Kernels.BINARY_SCALAR, new Object[] {1, 16, a, 0.75f, b});
        assertThat(memory.getFloat(argumentOffset(3))).isEqualTo(0.75f);
        for (int i = 0; i < ParamBlock.MAX_PARAMS; i++) {
            assertThat(argumentOffset(i) % 8).as("slot %d is 8-byte aligned", i).isZero();
        }
    }

    @Test
    void everyKernelInTheCatalogFitsTheBlock() {
        assertThat(Kernels.ALL).allMatch(k -> k.params().length() <= ParamBlock.MAX_PARAMS);
        assertThat(ParamBlock.SLOT_BYTES).isGreaterThanOrEqualTo(4 * StridedLayout.WORDS);
    }

    @Test
    void aFunctionIsLookedUpOncePerKernelAndMacroSet() {
        List<String> lookups = new ArrayList<>();
        Launcher launcher = new Launcher((spec, defines) -> {
            lookups.add(spec.name() + defines);
            return new CUfunction();
        }, (f, shape, params) -> CUresult.CUDA_SUCCESS, block);
        DeviceBuffer x = alloc.allocate(64);
        for (int i = 0; i < 3; i++) {
            launcher.launch(Kernels.SCALE, List.of(), LaunchShape.strided(16, 256), new Object[] {16, 2f, x});
            launcher.launch(Kernels.MATMUL_V6, new ArrayList<>(List.of("V6_BM=64")), LaunchShape.strided(16, 256),
                    new Object[] {1, 1, 1, x, x, x, 0, 0, 0});
        }
        assertThat(lookups).containsExactly("scale_f32[]", "matmul_v6[V6_BM=64]");
        assertThat(launcher.launches()).isEqualTo(6);
    }

    @Test
    void aFailedLaunchNamesTheKernelItsMacrosAndShape() {
        Launcher launcher = new Launcher((spec, defines) -> new CUfunction(),
                (f, shape, params) -> CUresult.CUDA_ERROR_INVALID_VALUE, block);
        DeviceBuffer x = alloc.allocate(64);
        assertThatThrownBy(() -> launcher.launch(Kernels.MATMUL_V5, List.of("V5_BM=64"), new LaunchShape(2, 3, 1, 256,
                1, 1), new Object[] {1, 1, 1, x, x, x, 0, 0, 0})).isInstanceOf(CudaCallException.class)
                .hasMessage("launching matmul_v5 [V5_BM=64] <<<(2, 3, 1), (256, 1, 1)>>> failed: "
                        + "CUDA_ERROR_INVALID_VALUE");
    }

    @Test
    void aLaunchAllocatesNothingOnTheJavaHeap() {
        Launcher launcher = new Launcher((spec, defines) -> new CUfunction(), (f, shape, params) -> 0, block);
        DeviceBuffer x = alloc.allocate(4096);
        StridedLayout layout = StridedLayout.broadcast(Shape.of(32, 32), Shape.of(32));
        LaunchShape shape = LaunchShape.strided(1024, 256);
        KernelSpec spec = Kernels.ADD_INTO;
        Object[] args = {1024, layout, x, x};
        for (int i = 0; i < 20_000; i++) {                   // let the JIT compile the path first
            launcher.launch(spec, List.of(), shape, args);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        int launches = 10_000;
        for (int i = 0; i < launches; i++) {
            launcher.launch(spec, List.of(), shape, args);
        }
        long perLaunch = (threads.getThreadAllocatedBytes(id) - before) / launches;
        assertThat(perLaunch).as("bytes allocated per launch").isZero();
    }
}
