package dev.descent.train.loop;

import dev.descent.optim.LrSchedule;

/**
 * A run lengthened at step {@code from} to {@code to} steps in all. From there the rate decays by a cosine from
 * where the schedule was to its floor at the new end, so the curve stays continuous (a finished run, already at
 * the floor, continues at the floor):
 * <pre>
 * lr'(t) = lr(t)                                                           t &lt; from
 * lr'(t) = minLr + (lr(from) − minLr)·½(1 + cos(π·(t − from)/(to − from)))   from ≤ t ≤ to
 * lr'(t) = minLr                                                           t &gt; to
 * </pre>
 */
public record ScheduleExtension(int from, int to) {

    /** {@code before} lengthened by this extension, decaying to {@code minLr}. */
    LrSchedule applyTo(LrSchedule before, double minLr) {
        double start = before.lr(from);
        return step -> {
            if (step < from) {
                return before.lr(step);
            }
            // minLr + (lr(from) − minLr)·½(1 + cos(π·(t − from)/(to − from)))
            double ratio = Math.min(1.0, (double) (step - from) / (to - from));
            return minLr + (start - minLr) * 0.5 * (1 + Math.cos(Math.PI * ratio));
        };
    }
}
