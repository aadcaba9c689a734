package dev.descent.cuda.memory;

/**
 * A snapshot of a {@link CachingAllocator}: bytes handed out (live) and bytes held for reuse (cached), both counted
 * in size classes; {@code limitBytes} is 0 when there is no cap.
 */
public record MemoryStats(long liveBytes, long liveBuffers, long cachedBytes, long peakLiveBytes, long limitBytes,
                          long deviceAllocations, long cacheHits) {

    /** Live plus cached: what the allocator holds from the device. */
    public long reservedBytes() {
        return liveBytes + cachedBytes;
    }

    @Override
    public String toString() {
        return ByteSize.format(liveBytes) + " live in " + liveBuffers + " buffers + " + ByteSize.format(cachedBytes)
                + " cached = " + ByteSize.format(reservedBytes()) + " reserved; peak live " + ByteSize.format(peakLiveBytes)
                + "; cap " + (limitBytes > 0 ? ByteSize.format(limitBytes) : "none") + "; " + deviceAllocations
                + " device allocations, " + cacheHits + " served from the cache";
    }
}
