package dev.descent.core.profile;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The recording side of a {@link Profile}: a stack of open events on the thread that started it, and one
 * {@link RowStats} per (kind, name, phase).
 *
 * <p>Self and total: an event's total host time is its clock interval; its self time is that minus the totals of
 * the events directly nested in it, so the self times of all rows add up to the recorded wall time exactly. The
 * bottom of the stack is the {@link EventKind#OUTSIDE} event, open while the profile records. A kernel launch is
 * not a stack event: its host time stays in the self time of the op that launched it (the kernel row breaks it
 * down), and its device time, read later from the {@link DeviceClock}, is that op's self device time and part of
 * the total device time of every event around it.
 */
final class Recorder {
    static final String OUTSIDE_NAME = "[outside ops]";
    static final String NO_PHASE = "-";

    final Thread owner;
    private final LongSupplier clock;
    private final Map<RowKey, RowStats> rows = new HashMap<>();
    private final List<Frame> frames = new ArrayList<>();
    private int depth;
    private int openOps;
    private int microSteps;
    private final KernelLaunch launch = new KernelLaunch();
    private final List<KernelTiming> pending = new ArrayList<>();
    private final Set<DeviceClock> clocks = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean deviceTimed;

    private record RowKey(EventKind kind, String name, String phase) {
    }

    /** A kernel launched inside the profile, waiting for its device time to be read. */
    private record KernelTiming(DeviceClock clock, long from, long to, RowStats kernel, RowStats launcher,
                                RowStats[] enclosing) {
    }

    Recorder(Thread owner, LongSupplier clock) {
        this.owner = owner;
        this.clock = clock;
    }

    boolean records() {
        return Thread.currentThread() == owner;
    }

    /** Opens the {@link EventKind#OUTSIDE} event at the bottom of the stack (the profile starts or resumes). */
    void begin() {
        push(EventKind.OUTSIDE, OUTSIDE_NAME, NO_PHASE);
    }

    /** Closes the bottom event; every op and phase must be closed by then. */
    void end() {
        if (depth != 1) {
            throw new IllegalStateException("a profile can pause or close only outside every op and phase; "
                    + (depth - 1) + " still open, innermost " + frames.get(depth - 1).row.name);
        }
        frames.get(0).close();
    }

    Tensor forward(Op op) {
        Frame f = push(EventKind.OP, op.name(), phaseOfChildren());
        try {
            return op.forward();
        } finally {
            f.close();
        }
    }

    void backward(Op op, Tensor grad) {
        Frame f = push(EventKind.BACKWARD, op.name() + ".backward", Profiler.BACKWARD);
        try {
            op.backward(grad);
        } finally {
            f.close();
        }
    }

    Span phase(String name) {
        return push(EventKind.PHASE, name, name);
    }

    /** A backward pass begins; one that is not nested in an op (a checkpointed block's is) is a micro-step. */
    void backwardPass() {
        if (openOps == 0) {
            microSteps++;
        }
    }

    Span kernel(String name, DeviceClock deviceClock) {
        count(Counter.LAUNCHES, 1);
        if (launch.kernel != null) {
            return Span.NONE;
        }
        launch.begin(row(EventKind.KERNEL, name, phaseOfChildren()), deviceClock);
        return launch;
    }

    void count(Counter counter, long n) {
        frames.get(depth - 1).row.counts[counter.ordinal()] += n;
    }

    int microSteps() {
        return microSteps;
    }

    boolean deviceTimed() {
        return deviceTimed;
    }

    /** Reads the device time of every kernel launched so far (waits for the device) and frees the clocks' marks. */
    void readDeviceClocks() {
        for (KernelTiming k : pending) {
            long nanos = k.clock.nanosBetween(k.from, k.to);
            k.kernel.selfDevice += nanos;
            k.kernel.totalDevice += nanos;
            k.launcher.selfDevice += nanos;
            for (RowStats r : k.enclosing) {
                r.totalDevice += nanos;
            }
        }
        pending.clear();
        clocks.forEach(DeviceClock::reset);
        clocks.clear();
    }

    List<ProfileRow> rows() {
        List<ProfileRow> out = new ArrayList<>(rows.size());
        for (RowStats r : rows.values()) {
            out.add(r.snapshot(deviceTimed));
        }
        return out;
    }

    private String phaseOfChildren() {
        return frames.get(depth - 1).childPhase;
    }

    private RowStats row(EventKind kind, String name, String phase) {
        return rows.computeIfAbsent(new RowKey(kind, name, phase), k -> new RowStats(kind, name, phase));
    }

    private Frame push(EventKind kind, String name, String phase) {
        RowStats row = row(kind, name, phase);
        if (depth == frames.size()) {
            frames.add(new Frame());
        }
        Frame f = frames.get(depth++);
        f.kind = kind;
        f.row = row;
        f.childPhase = kind == EventKind.OUTSIDE ? Profiler.FORWARD : phase;
        f.outermost = row.open++ == 0;
        f.childTotal = 0;
        if (kind == EventKind.OP || kind == EventKind.BACKWARD) {
            openOps++;
        }
        f.start = clock.getAsLong();
        return f;
    }

    /** One open event on the stack; frames are reused by depth, so recording allocates little. */
    private final class Frame implements Span {
        EventKind kind;
        RowStats row;
        String childPhase;
        boolean outermost;
        long start;
        long childTotal;

        /** Ends this event, the innermost open one: self = total − nested totals. */
        @Override
        public void close() {
            long end = clock.getAsLong();
            if (depth == 0 || frames.get(depth - 1) != this) {
                throw new IllegalStateException("profiler events must close innermost first (try-with-resources)");
            }
            depth--;
            long total = end - start;
            row.calls++;
            row.selfHost += total - childTotal;
            if (outermost) {
                row.totalHost += total;
            }
            row.open--;
            if (kind == EventKind.OP || kind == EventKind.BACKWARD) {
                openOps--;
            }
            if (depth > 0) {
                frames.get(depth - 1).childTotal += total;
            }
        }
    }

    /** The one kernel launch in progress (launches do not nest). */
    private final class KernelLaunch implements Span {
        RowStats kernel;
        DeviceClock deviceClock;
        long hostStart;
        long from;

        void begin(RowStats row, DeviceClock c) {
            kernel = row;
            deviceClock = c;
            hostStart = clock.getAsLong();
            from = c.mark();
        }

        @Override
        public void close() {
            long to = deviceClock.mark();
            long host = clock.getAsLong() - hostStart;
            kernel.calls++;
            kernel.selfHost += host;
            kernel.totalHost += host;
            List<RowStats> enclosing = new ArrayList<>(depth);
            for (int i = 0; i < depth; i++) {
                Frame f = frames.get(i);
                if (f.outermost) {
                    enclosing.add(f.row);
                }
            }
            pending.add(new KernelTiming(deviceClock, from, to, kernel, frames.get(depth - 1).row,
                    enclosing.toArray(new RowStats[0])));
            clocks.add(deviceClock);
            deviceTimed = true;
            kernel = null;
        }
    }
}
