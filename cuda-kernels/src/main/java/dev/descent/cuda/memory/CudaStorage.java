package dev.descent.cuda.memory;

import dev.descent.core.Backend;
import dev.descent.core.Storage;

/** A CUDA tensor's memory: a {@link DeviceBuffer} of {@code size} floats; {@link #release()} returns it to the cache. */
public final class CudaStorage implements Storage {
    private final Backend backend;
    private final DeviceBuffer buffer;
    private final int size;

    CudaStorage(Backend backend, DeviceBuffer buffer, int size) {
        this.backend = backend;
        this.buffer = buffer;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    public DeviceBuffer buffer() {
        return buffer;
    }

    /** Hands the device memory back to the caching allocator now; the tensor (and its views) must not be used again. */
    @Override
    public void release() {
        buffer.release();
    }
}
