package dev.descent.lessons.lrschedules;

/**
 * Exercise 11: the build-nanogpt / llm.c learning-rate schedule, written out (t counts steps from 0, w = warmup
 * steps, T = maxSteps):
 * <pre>
 * lr(t) = maxLr·(t + 1)/w                                       t &lt; w     linear warmup; (t + 1) so lr(0) ≠ 0
 * lr(t) = minLr + ½(maxLr − minLr)·(1 + cos(π·(t − w)/(T − w)))  w ≤ t ≤ T  half a cosine, maxLr down to minLr
 * lr(t) = minLr                                                 t &gt; T     held at the floor
 * </pre>
 */
final class Schedule {
    private Schedule() {
    }

    /** The learning rate of step t. */
    static double warmupCosine(long t, double maxLr, double minLr, long warmup, long maxSteps) {
        if (t < warmup) {
            return maxLr * (t + 1) / warmup;
        }
        if (t > maxSteps) {
            return minLr;
        }
        double progress = (double) (t - warmup) / (maxSteps - warmup);
        return minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress));
    }
}
