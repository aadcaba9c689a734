package dev.descent.cuda.memory;

/**
 * Raw device memory, the only thing {@link CachingAllocator} needs from a GPU: allocate and free whole blocks.
 * The CUDA implementation calls cuMemAlloc/cuMemFree; tests use a fake, so the allocator is tested without a GPU.
 */
public interface DeviceMemory {
    /** The address of a new block of {@code bytes} bytes (&gt; 0), or 0 when the device has no room for it. */
    long tryMalloc(long bytes);

    /** Gives a block from {@link #tryMalloc} back to the device. */
    void free(long address);

    /** Free bytes the device reports, or -1 when unknown; used in out-of-memory messages. */
    long deviceFreeBytes();
}
