package dev.descent.core.profile;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Where a step's time goes: per op (forward and backward apart), per phase and, on a device, per kernel; calls,
 * host time, device time, self and total, and the launches, synchronisations and allocations behind them.
 *
 * <pre>{@code
 * Profile p = Profiler.start();
 * try (p) {
 *     model.loss(x, y).backward();
 * }
 * System.out.println(p.table());       // or p.rows(), p.calls(..), p.microSteps()
 * }</pre>
 *
 * The engine and the backends call the hooks below. With no profile running each hook is one read of a static
 * field and then the plain work, so profiling costs nothing when it is off. A profile records the thread that
 * started it; other threads run unrecorded.
 */
public final class Profiler {
    /** The phase of ops run outside any backward pass and any named phase. */
    public static final String FORWARD = "forward";
    /** The phase of everything inside a backward pass, checkpointed recomputation included. */
    public static final String BACKWARD = "backward";

    private static volatile Recorder active;

    private Profiler() {
    }

    /** Starts recording on this thread; only one profile records at a time. */
    public static Profile start() {
        return start(System::nanoTime);
    }

    /** Starts recording with {@code clock} as the host clock (nanoseconds); for tests. */
    static Profile start(LongSupplier clock) {
        Profile p = new Profile(new Recorder(Thread.currentThread(), clock));
        p.resume();
        return p;
    }

    /** Whether a profile is recording (on some thread). */
    public static boolean isOn() {
        return active != null;
    }

    static synchronized void activate(Recorder r) {
        Recorder current = active;
        if (current != null && current != r) {
            throw new IllegalStateException("a profile is already recording (on thread " + current.owner.getName()
                    + "); close or pause it before starting or resuming another");
        }
        active = r;
    }

    static synchronized void deactivate(Recorder r) {
        if (active == r) {
            active = null;
        }
    }

    /** Runs {@code op.forward()}, as one event when recording. {@code Autograd.record} calls this. */
    public static Tensor forward(Op op) {
        Recorder r = active;
        return r == null || !r.records() ? op.forward() : r.forward(op);
    }

    /** Runs {@code op.backward(grad)}, as one event when recording. The backward walk calls this. */
    public static void backward(Op op, Tensor grad) {
        Recorder r = active;
        if (r == null || !r.records()) {
            op.backward(grad);
        } else {
            r.backward(op, grad);
        }
    }

    /** A backward pass starts; outermost passes are counted as micro-steps. */
    public static void backwardPass() {
        Recorder r = active;
        if (r != null && r.records()) {
            r.backwardPass();
        }
    }

    /**
     * Opens a named phase (e.g. "optimizer"): the ops inside are reported under it, its own row has the host time
     * between them. {@code try (Span s = Profiler.phase("optimizer")) { optimizer.step(); }}
     */
    public static Span phase(String name) {
        Recorder r = active;
        return r == null || !r.records() ? Span.NONE : r.phase(name);
    }

    /**
     * A kernel launch: call it just before launching and close it just after; {@code deviceClock} times the
     * kernel on the device. Counts a {@link Counter#LAUNCHES launch}.
     */
    public static Span kernel(String name, DeviceClock deviceClock) {
        return kernel(name, List.of(), deviceClock);
    }

    /** A launch of a kernel compiled with the macros {@code variant} (a tile configuration): a row of its own. */
    public static Span kernel(String name, List<String> variant, DeviceClock deviceClock) {
        Recorder r = active;
        return r == null || !r.records() ? Span.NONE
                : r.kernel(variant.isEmpty() ? name : name + " " + String.join(" ", variant), deviceClock);
    }

    /** Counts {@code n} events of {@code counter}, charged to the innermost open op or phase. */
    public static void count(Counter counter, long n) {
        Recorder r = active;
        if (r != null && r.records()) {
            r.count(counter, n);
        }
    }

    /** A tensor storage of {@code bytes} bytes was made. */
    public static void allocated(long bytes) {
        Recorder r = active;
        if (r != null && r.records()) {
            r.count(Counter.ALLOCATIONS, 1);
            r.count(Counter.ALLOCATED_BYTES, bytes);
        }
    }
}
