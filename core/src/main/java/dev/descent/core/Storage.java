package dev.descent.core;

/**
 * The memory behind a tensor: {@code size} float32 values living on one {@link Backend}'s device.
 * A CPU storage wraps a {@code float[]}; a CUDA storage wraps a device pointer.
 */
public interface Storage {
    /** Number of float elements. */
    int size();

    /** The backend that owns this memory and computes on it. */
    Backend backend();

    /** Gives the memory back early (device memory); a CPU storage leaves it to the garbage collector. */
    default void release() {
    }
}
