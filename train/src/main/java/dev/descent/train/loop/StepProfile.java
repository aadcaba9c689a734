package dev.descent.train.loop;

import dev.descent.core.profile.Profile;
import dev.descent.core.profile.Profiler;
import java.util.Locale;

/**
 * {@code train --profile}: profiles the optimizer steps of a run, the first {@code warmupSteps} apart from the rest
 * (they pay one-time costs: the JIT, kernel compilation, the allocator's first requests), and only the steps
 * themselves, not the logging and checkpoints between them.
 */
public final class StepProfile {
    private final int warmupSteps;
    private final boolean on;
    private int stepsSeen;
    private Profile warmup;
    private Profile steady;
    private Profile current;

    private StepProfile(int warmupSteps, boolean on) {
        this.warmupSteps = warmupSteps;
        this.on = on;
    }

    /** Profiles every step after the first {@code warmupSteps}, and those apart. */
    public static StepProfile afterWarmup(int warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        return new StepProfile(warmupSteps, true);
    }

    /** Profiles nothing. */
    static StepProfile off() {
        return new StepProfile(0, false);
    }

    void beforeStep() {
        if (!on) {
            return;
        }
        if (stepsSeen < warmupSteps) {
            warmup = startOrResume(warmup);
            current = warmup;
        } else {
            steady = startOrResume(steady);
            current = steady;
        }
    }

    private static Profile startOrResume(Profile p) {
        if (p == null) {
            return Profiler.start();
        }
        p.resume();
        return p;
    }

    void afterStep() {
        if (on) {
            current.pause();
            stepsSeen++;
        }
    }

    /** The steps after the warm-up, or null if the run had none. */
    public Profile steady() {
        return steady;
    }

    /** The warm-up steps, or null if none ran. */
    public Profile warmup() {
        return warmup;
    }

    /**
     * The table of the steps after the warm-up, under a line that says what the warm-up took; the warm-up's table
     * when no later step ran.
     */
    public String report() {
        int steadySteps = stepsSeen - Math.min(stepsSeen, warmupSteps);
        String warm = warmup == null ? "" : String.format(Locale.ROOT,
                "warm-up (%d step%s, not in the table below): %.1f ms%n", stepsSeen - steadySteps,
                stepsSeen - steadySteps == 1 ? "" : "s", warmup.wallNanos() / 1e6);
        if (steady == null) {
            return warmup == null ? "no step was profiled\n"
                    : "profile of the warm-up step(s) only (no later step ran; they include one-time costs):\n"
                    + warmup.table();
        }
        long heap = steady.heapAllocatedBytes();
        String perStep = heap < 0 ? "" : String.format(Locale.ROOT, " (Java heap allocated: %.2f MiB per step)",
                heap / (double) steadySteps / 1048576.0);
        return String.format(Locale.ROOT, "%sprofile of %d step%s after the warm-up%s:%n%s", warm, steadySteps,
                steadySteps == 1 ? "" : "s", perStep, steady.table());
    }
}
