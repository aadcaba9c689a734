package dev.descent.cuda.memory;

import java.util.HashMap;
import java.util.Map;

/** A pretend GPU with {@code capacity} bytes: hands out increasing addresses and remembers what is allocated. */
public final class FakeDeviceMemory implements DeviceMemory {
    private final long capacity;
    private final Map<Long, Long> blocks = new HashMap<>();
    private long next = 0x1000;
    private long used;
    public int mallocs;
    public int frees;

    public FakeDeviceMemory(long capacity) {
        this.capacity = capacity;
    }

    @Override
    public long tryMalloc(long bytes) {
        if (used + bytes > capacity) {
            return 0;
        }
        long address = next;
        next += bytes + 256;
        blocks.put(address, bytes);
        used += bytes;
        mallocs++;
        return address;
    }

    @Override
    public void free(long address) {
        Long bytes = blocks.remove(address);
        if (bytes == null) {
            throw new IllegalStateException("free of an address that is not allocated: " + address);
        }
        used -= bytes;
        frees++;
    }

    @Override
    public long deviceFreeBytes() {
        return capacity - used;
    }

    public long usedBytes() {
        return used;
    }
}
