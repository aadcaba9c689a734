package dev.descent.core;

/**
 * Bytes of tensor memory a backend holds: {@code liveBytes} now and {@code peakBytes}, the most at any moment
 * since the peak was last reset. On a device these are the allocator's blocks; on the CPU they count every storage
 * made on the calling thread and not yet released (see {@link MemoryScope}), which is what a device would hold
 * running the same code.
 */
public record MemoryUsage(long liveBytes, long peakBytes) {
}
