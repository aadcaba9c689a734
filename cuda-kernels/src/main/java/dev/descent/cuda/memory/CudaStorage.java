package dev.descent.cuda.memory;

import dev.descent.core.Backend;
import dev.descent.core.Storage;
import java.lang.ref.Cleaner;

/**
 * A CUDA tensor's memory: a {@link DeviceBuffer} of {@code size} floats. {@link #release()} returns it to the cache;
 * a storage that becomes unreachable without being released is returned by a {@link Cleaner} (a safety net, not the
 * plan), and releasing it deregisters it there, so released tensors cost the garbage collector nothing extra.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Backend backend;
    private final DeviceBuffer buffer;
    private final int size;
    private final Cleaner.Cleanable cleanable;

    CudaStorage(Backend backend, DeviceBuffer buffer, int size) {
        this.backend = backend;
        this.buffer = buffer;
        this.size = size;
        this.cleanable = CLEANER.register(this, buffer::release);       // the action must not reach this storage
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
        cleanable.clean();
    }
}
