package dev.descent.cuda.memory;

/**
 * One allocation from a {@link CachingAllocator}: a device address and the bytes asked for. {@link #release()} hands
 * the block back to the allocator's cache (idempotent); using the address afterwards is an error that says so.
 */
public final class DeviceBuffer {
    private final CachingAllocator owner;
    private final long address;
    private final long bytes;
    private final long classBytes;
    private volatile boolean released;

    DeviceBuffer(CachingAllocator owner, long address, long bytes, long classBytes) {
        this.owner = owner;
        this.address = address;
        this.bytes = bytes;
        this.classBytes = classBytes;
    }

    /** The device address; 0 for an empty buffer. */
    public long address() {
        if (released) {
            throw new IllegalStateException("a device buffer of " + ByteSize.format(bytes) + " was used after it was "
                    + "released (its scope closed or release() was called); keep it with scope.keep(tensor)");
        }
        return address;
    }

    /** The address without the use-after-release check, for the allocator's bookkeeping. */
    long rawAddress() {
        return address;
    }

    /** The size that was asked for. */
    public long bytes() {
        return bytes;
    }

    /** The size class actually reserved (at least {@link #bytes()}). */
    long classBytes() {
        return classBytes;
    }

    public boolean isReleased() {
        return released;
    }

    void markReleased() {
        released = true;
    }

    /** Returns the block to the allocator's cache; later calls do nothing. */
    public void release() {
        owner.release(this);
    }
}
