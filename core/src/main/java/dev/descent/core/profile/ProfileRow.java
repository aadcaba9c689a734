package dev.descent.core.profile;

/**
 * One line of a profile: every event of one kind with one name in one phase, summed. "Self" time excludes the
 * events nested inside (an op called from another op's backward, the ops of a phase); "total" includes them and
 * counts an event nested in one of its own row once. On the CPU the device time is the host's wall clock; on a
 * device, an op's self device time is the run time of the kernels it launched itself. The counters are the ones
 * charged to the event itself.
 *
 * @param calls            events (for a kernel: launches)
 * @param selfHostNanos    host time inside the event, minus the nested events
 * @param totalHostNanos   host time inside the event
 * @param selfDeviceNanos  device time of the kernels launched by the event itself
 * @param totalDeviceNanos device time of every kernel launched inside the event
 */
public record ProfileRow(EventKind kind, String name, String phase, long calls, long selfHostNanos,
                         long totalHostNanos, long selfDeviceNanos, long totalDeviceNanos, long launches, long syncs,
                         long allocatorMisses, long allocations, long allocatedBytes) {

    /** The value of one counter. */
    public long count(Counter counter) {
        return switch (counter) {
            case LAUNCHES -> launches;
            case SYNCS -> syncs;
            case ALLOCATOR_MISSES -> allocatorMisses;
            case ALLOCATIONS -> allocations;
            case ALLOCATED_BYTES -> allocatedBytes;
        };
    }
}
