package dev.descent.cuda.memory;

import dev.descent.core.profile.Counter;
import dev.descent.core.profile.Profiler;
import dev.descent.cuda.CudaOutOfMemoryError;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory with a cache: a released buffer's block goes onto a free list for its size class and the next
 * request of that class gets it back without asking the device. A training step allocates the same shapes every
 * time, so after the first step nearly every allocation is served from the cache.
 *
 * <p>Size classes: requests are rounded up to a multiple of max(512 B, 2^⌊log₂ bytes⌋ / 8), i.e. eight classes per
 * power of two, so at most 1/8 of a block (or 511 bytes) is wasted. Blocks are reused only by an exact class match
 * (no splitting).
 *
 * <p>Cap: with {@code limitBytes > 0} the allocator never holds more than that from the device (live + cached), so
 * an 8 GiB card's budget can be enforced on a bigger card. When a request does not fit under the cap or the device
 * refuses it, the cache is emptied and the request retried once; if it still fails, a {@link CudaOutOfMemoryError}
 * says what was requested, what is in use, the cap, and what to change.
 *
 * <p>Deterministic release is the backend's job (memory scopes, backward's own rules): this class
 * only hands blocks out and takes them back. It is thread-safe.
 */
public final class CachingAllocator {
    private static final long MIN_CLASS = 512;

    private final DeviceMemory device;
    private final long limitBytes;
    private final Map<Long, ArrayDeque<Long>> cache = new HashMap<>();
    private long liveBytes;
    private long liveBuffers;
    private long cachedBytes;
    private long peakLiveBytes;
    private long deviceAllocations;
    private long cacheHits;

    /** An allocator over {@code device}; {@code limitBytes} 0 means no cap. */
    public CachingAllocator(DeviceMemory device, long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("vramLimitBytes must be >= 0 (0 = no cap), got " + limitBytes);
        }
        this.device = device;
        this.limitBytes = limitBytes;
    }

    /** The block size reserved for a request of {@code bytes}: eight classes per power of two, at least 512 B. */
    static long sizeClass(long bytes) {
        if (bytes <= MIN_CLASS) {
            return MIN_CLASS;
        }
        long granule = Math.max(MIN_CLASS, Long.highestOneBit(bytes) >> 3);
        return (bytes + granule - 1) / granule * granule;
    }

    /** A buffer of at least {@code bytes} bytes, from the cache when a block of its class is free. */
    public synchronized DeviceBuffer allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        }
        if (bytes == 0) {
            return new DeviceBuffer(this, 0, 0, 0);
        }
        long cls = sizeClass(bytes);
        ArrayDeque<Long> free = cache.get(cls);
        long address;
        if (free != null && !free.isEmpty()) {
            address = free.pop();
            cachedBytes -= cls;
            cacheHits++;
        } else {
            address = fromDevice(bytes, cls);
        }
        Profiler.allocated(cls);
        liveBytes += cls;
        liveBuffers++;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return new DeviceBuffer(this, address, bytes, cls);
    }

    private long fromDevice(long bytes, long cls) {
        if (limitBytes > 0 && liveBytes + cachedBytes + cls > limitBytes) {
            emptyCache();
        }
        if (limitBytes > 0 && liveBytes + cls > limitBytes) {
            throw outOfMemory(bytes, cls, "it would exceed the cap of " + ByteSize.format(limitBytes) + " (vramLimitBytes)");
        }
        long address = device.tryMalloc(cls);
        if (address == 0 && cachedBytes > 0) {
            emptyCache();
            address = device.tryMalloc(cls);
        }
        if (address == 0) {
            throw outOfMemory(bytes, cls, "the device has no free block that large");
        }
        deviceAllocations++;
        Profiler.count(Counter.ALLOCATOR_MISSES, 1);
        return address;
    }

    private CudaOutOfMemoryError outOfMemory(long bytes, long cls, String why) {
        long deviceFree = device.deviceFreeBytes();
        return new CudaOutOfMemoryError("CUDA out of memory: cannot allocate " + ByteSize.format(bytes) + " (" + bytes
                + " bytes, size class " + ByteSize.format(cls) + ") because " + why + ". In use: " + stats()
                + (deviceFree >= 0 ? "; the device reports " + ByteSize.format(deviceFree) + " free" : "")
                + ". To fix: lower the micro-batch size or sequence length, release per-step temporaries inside "
                + "backend.scope() (keep only what must survive the step)"
                + (limitBytes > 0 ? ", or raise or remove the cap (vramLimitBytes, --vram-limit)" : "")
                + ".");
    }

    /** Called by {@link DeviceBuffer#release()}: the block goes to its class's free list; a second call does nothing. */
    synchronized void release(DeviceBuffer buffer) {
        if (buffer.isReleased()) {
            return;
        }
        buffer.markReleased();
        long cls = buffer.classBytes();
        if (cls == 0) {
            return;
        }
        liveBytes -= cls;
        liveBuffers--;
        cachedBytes += cls;
        cache.computeIfAbsent(cls, c -> new ArrayDeque<>()).push(buffer.rawAddress());
    }

    /** Frees every cached block back to the device. */
    public synchronized void emptyCache() {
        for (ArrayDeque<Long> blocks : cache.values()) {
            for (long address : blocks) {
                device.free(address);
            }
        }
        cache.clear();
        cachedBytes = 0;
    }

    public synchronized MemoryStats stats() {
        return new MemoryStats(liveBytes, liveBuffers, cachedBytes, peakLiveBytes, limitBytes, deviceAllocations,
                cacheHits);
    }

    /** Starts a new peak measurement at the bytes live now. */
    public synchronized void resetPeak() {
        peakLiveBytes = liveBytes;
    }
}
