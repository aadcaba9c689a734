package dev.descent.core.profile;

/** Events a backend counts while a profile runs, charged to the innermost open op or phase. */
public enum Counter {
    /** Kernels launched on a device. */
    LAUNCHES("Launches"),
    /**
     * Waits of the host for the device: a device-to-host copy, a synchronise, a synchronous upload. The CPU backend
     * counts its reads of tensor data ({@code toArray}, {@code item}), the reads that would wait on a device.
     */
    SYNCS("Syncs"),
    /**
     * Allocations the caching allocator could not serve from its cache (it asked the device). The CPU backend counts
     * the new Java arrays it made because no released array of the length was there to reuse.
     */
    ALLOCATOR_MISSES("Alloc misses"),
    /** Tensor storages made. */
    ALLOCATIONS("Allocs"),
    /** Bytes of those storages. */
    ALLOCATED_BYTES("Allocated");

    private final String title;

    Counter(String title) {
        this.title = title;
    }

    /** The column title in {@link Profile#table()}. */
    public String title() {
        return title;
    }
}
