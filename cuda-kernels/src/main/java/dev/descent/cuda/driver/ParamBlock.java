package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;

import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.StridedLayout;
import dev.descent.cuda.memory.CudaTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;

/**
 * The arguments of one kernel launch, in one block of host memory that every launch reuses. cuLaunchKernel takes
 * {@code void** kernelParams}: a table whose entry i points to argument i's bytes. The block holds that table
 * (written once, entry i pointing to slot i) followed by one slot per argument, and a launch only writes each
 * argument's bytes into its slot; the driver copies them when it queues the launch, so the block is free again at
 * once. This replaces one {@code Pointer.to(new int[] {..})} per argument, which JCuda unpacks through JNI one by
 * one (global references, array pinning, calls back into Java) on every launch.
 *
 * <pre>
 *   [ table: MAX_PARAMS × 8-byte pointers ][ slot 0: 136 bytes ][ slot 1 ] ... [ slot MAX_PARAMS − 1 ]
 * </pre>
 * A slot fits the largest argument, a {@link StridedLayout} (33 ints), and keeps 8-byte alignment for pointers.
 */
final class ParamBlock {
    static final int MAX_PARAMS = 16;
    static final int SLOT_BYTES = 136;
    static final int TABLE_BYTES = 8 * MAX_PARAMS;
    static final int BYTES = TABLE_BYTES + MAX_PARAMS * SLOT_BYTES;

    private final Pointer block;
    private final ByteBuffer bytes;
    private final boolean fromDriver;

    /** A block of {@link #BYTES} bytes at host {@code address}, seen through {@code bytes}; {@code block} points to it. */
    ParamBlock(Pointer block, long address, ByteBuffer bytes) {
        this(block, address, bytes, false);
    }

    private ParamBlock(Pointer block, long address, ByteBuffer bytes, boolean fromDriver) {
        this.block = block;
        this.fromDriver = fromDriver;
        this.bytes = bytes.order(ByteOrder.nativeOrder());
        for (int i = 0; i < MAX_PARAMS; i++) {
            this.bytes.putLong(8 * i, address + slot(i));
        }
    }

    /** A block in page-locked host memory from the driver (the only host memory whose address JCuda tells). */
    static ParamBlock allocate() {
        HostPointer p = new HostPointer();
        CudaErrors.check(cuMemAllocHost(p, BYTES), "cuMemAllocHost(" + BYTES + " bytes for kernel arguments)", "");
        return new ParamBlock(p, p.address(), p.getByteBuffer(0, BYTES), true);
    }

    /** Byte offset of argument {@code i}'s slot in the block. */
    static int slot(int i) {
        return TABLE_BYTES + i * SLOT_BYTES;
    }

    /** The pointer that holds host memory from cuMemAllocHost, with its address exposed. */
    private static final class HostPointer extends Pointer {
        long address() {
            return getNativePointer();
        }
    }

    /** Gives page-locked memory back to the driver. */
    void free() {
        if (fromDriver) {
            CudaErrors.check(cuMemFreeHost(block), "cuMemFreeHost", "");
        }
    }

    /**
     * Writes {@code args} (already checked against {@code spec}) into their slots and returns the
     * {@code kernelParams} table for cuLaunchKernel.
     */
    Pointer pack(KernelSpec spec, Object[] args) {
        String letters = spec.params();
        if (letters.length() > MAX_PARAMS) {
            throw new IllegalArgumentException("kernel " + spec.name() + " takes " + letters.length()
                    + " arguments; a launch passes at most " + MAX_PARAMS);
        }
        for (int i = 0; i < letters.length(); i++) {
            int at = slot(i);
            switch (letters.charAt(i)) {
                case 'i' -> bytes.putInt(at, (Integer) args[i]);
                case 'f' -> bytes.putFloat(at, (Float) args[i]);
                case 'p' -> bytes.putLong(at, CudaTensors.address(args[i]));
                default -> ((StridedLayout) args[i]).writeTo(bytes, at);
            }
        }
        return block;
    }
}
