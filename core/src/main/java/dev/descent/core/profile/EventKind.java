package dev.descent.core.profile;

/** What a row of a {@link Profile} times. */
public enum EventKind {
    /** An op's forward, run by {@code Autograd.record}. */
    OP,
    /** An op's backward, run by the backward walk; named {@code <op>.backward}. */
    BACKWARD,
    /** A named part of the work that is not an op (the optimizer step, the gradient clip): {@link Profiler#phase}. */
    PHASE,
    /** Host code of the profiled region that runs outside every op and phase (data, logging, Java glue). */
    OUTSIDE,
    /** A kernel launched on a device: its host time is the launch, its device time the kernel's run. */
    KERNEL
}
