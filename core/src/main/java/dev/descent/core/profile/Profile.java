package dev.descent.core.profile;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One profiling session: it records from {@link Profiler#start()} until {@link #close()}, and can
 * {@link #pause()} and {@link #resume()} in between (e.g. to leave out a warm-up step or the logging between
 * steps). Its results are read once it is paused or closed: {@link #rows()}, {@link #table()} and the totals.
 */
public final class Profile implements AutoCloseable {
    private enum State { RECORDING, PAUSED, CLOSED }

    private final Recorder recorder;
    private State state = State.PAUSED;
    /** Java heap allocated by all threads while recording, the intervals before the current one. */
    private long heapBytes;
    private HeapAllocation heapSinceResume;

    Profile(Recorder recorder) {
        this.recorder = recorder;
    }

    /** Stops recording until {@link #resume()}; reads the device clocks (this waits for the device). */
    public void pause() {
        if (state != State.RECORDING) {
            return;
        }
        recorder.end();
        heapBytes += heapSinceResume.bytesSince();
        Profiler.deactivate(recorder);
        recorder.readDeviceClocks();
        state = State.PAUSED;
    }

    /** Records again, on the thread that started the profile. */
    public void resume() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("this profile is closed; start a new one with Profiler.start()");
        }
        if (state == State.RECORDING) {
            return;
        }
        if (!recorder.records()) {
            throw new IllegalStateException("a profile resumes on the thread that started it ("
                    + recorder.owner.getName() + "), not on " + Thread.currentThread().getName());
        }
        Profiler.activate(recorder);
        heapSinceResume = HeapAllocation.start();
        recorder.begin();
        state = State.RECORDING;
    }

    /** Stops recording for good; the results stay readable. */
    @Override
    public void close() {
        pause();
        state = State.CLOSED;
    }

    /** Every row, ops and phases first by self time (device time where there is a device), then kernels. */
    public List<ProfileRow> rows() {
        requireStopped();
        Comparator<ProfileRow> kernelsLast = Comparator.comparing(r -> r.kind() == EventKind.KERNEL);
        return recorder.rows().stream()
                .sorted(kernelsLast.thenComparing(Comparator.comparingLong(ProfileRow::selfDeviceNanos)
                                .thenComparingLong(ProfileRow::selfHostNanos).reversed())
                        .thenComparing(ProfileRow::name).thenComparing(ProfileRow::phase))
                .toList();
    }

    /** The row of {@code kind}, {@code name} and {@code phase}, if any such event ran. */
    public Optional<ProfileRow> row(EventKind kind, String name, String phase) {
        return rows().stream().filter(r -> r.kind() == kind && r.name().equals(name) && r.phase().equals(phase))
                .findFirst();
    }

    /** How often that event ran (0 if never). */
    public long calls(EventKind kind, String name, String phase) {
        return row(kind, name, phase).map(ProfileRow::calls).orElse(0L);
    }

    /** The recorded wall time (the total of the outside-ops row, which is open whenever the profile records). */
    public long wallNanos() {
        return rows().stream().filter(r -> r.kind() == EventKind.OUTSIDE).mapToLong(ProfileRow::totalHostNanos)
                .sum();
    }

    /**
     * Bytes the JVM's threads allocated on the Java heap while this profile recorded (see {@link HeapAllocation}):
     * the garbage the recorded work made, the profiler's own records included; −1 where the JVM does not count.
     * Tensors on the CPU are Java arrays, but the backend's array pool serves most of them without allocating.
     */
    public long heapAllocatedBytes() {
        requireStopped();
        return HeapAllocation.measured() ? heapBytes : -1;
    }

    /** Device time of all kernels (on the CPU: the wall time). */
    public long deviceNanos() {
        return nonKernelRows().mapToLong(ProfileRow::selfDeviceNanos).sum();
    }

    /** Outermost backward passes recorded (a training step of N micro-batches has N). */
    public int microSteps() {
        requireStopped();
        return recorder.microSteps();
    }

    /** The total of one counter over the profile. */
    public long total(Counter counter) {
        return nonKernelRows().mapToLong(r -> r.count(counter)).sum();
    }

    /** Whether a device clock timed kernels; if not (the CPU), device time is the host's wall clock. */
    public boolean deviceTimed() {
        requireStopped();
        return recorder.deviceTimed();
    }

    /** The table of every row, in the shape of PyTorch's {@code key_averages().table()}. */
    public String table() {
        return table(Integer.MAX_VALUE);
    }

    /** The table with at most {@code maxRows} op rows and as many kernel rows. */
    public String table(int maxRows) {
        return new ProfileTable(this).format(maxRows);
    }

    private Stream<ProfileRow> nonKernelRows() {
        return rows().stream().filter(r -> r.kind() != EventKind.KERNEL);
    }

    private void requireStopped() {
        if (state == State.RECORDING) {
            throw new IllegalStateException("pause or close the profile before reading it");
        }
    }
}
