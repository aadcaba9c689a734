package dev.descent.core.profile;

/** An open profiler event (a phase or a kernel launch); closing it ends the event. */
@FunctionalInterface
public interface Span extends AutoCloseable {
    /** What the hooks hand out when no profile records on this thread: closing it does nothing. */
    Span NONE = () -> { };

    @Override
    void close();
}
