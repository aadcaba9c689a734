package dev.descent.core.profile;

/**
 * A backend's clock on its device (CUDA events): marks placed in the device's queue of work, whose distances are
 * read after the work has run. A kernel's device time is the distance between the marks placed before and after
 * its launch. A profile reads its marks when it pauses or closes, then calls {@link #reset}.
 */
public interface DeviceClock {
    /** Places a mark after all the work queued so far; returns its handle. */
    long mark();

    /** Nanoseconds of device time between two marks; waits until the device has passed {@code to}. */
    long nanosBetween(long from, long to);

    /** The marks handed out so far are read: their resources may be reused. */
    void reset();
}
