package dev.descent.core.profile;

/** The running sums of one row of a profile while it records: one (kind, name, phase). */
final class RowStats {
    final EventKind kind;
    final String name;
    final String phase;
    long calls;
    long selfHost;
    long totalHost;
    long selfDevice;
    long totalDevice;
    final long[] counts = new long[Counter.values().length];
    /** Events of this row open on the stack now: a nested one of the same row adds to self, not again to total. */
    int open;

    RowStats(EventKind kind, String name, String phase) {
        this.kind = kind;
        this.name = name;
        this.phase = phase;
    }

    /** The row as reported; without a device clock the host's wall clock is the device time. */
    ProfileRow snapshot(boolean deviceTimed) {
        return new ProfileRow(kind, name, phase, calls, selfHost, totalHost, deviceTimed ? selfDevice : selfHost,
                deviceTimed ? totalDevice : totalHost, count(Counter.LAUNCHES), count(Counter.SYNCS),
                count(Counter.ALLOCATOR_MISSES), count(Counter.ALLOCATIONS), count(Counter.ALLOCATED_BYTES));
    }

    private long count(Counter c) {
        return counts[c.ordinal()];
    }
}
