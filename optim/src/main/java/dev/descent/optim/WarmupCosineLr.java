package dev.descent.optim;

/**
 * Linear warmup then cosine decay to a floor, clamped after the last step: the build-nanogpt / llm.c GPT-2
 * schedule.
 * <pre>
 * lr_t = maxLr·(t+1)/w                                          t &lt; w       (never 0, even at t = 0)
 * lr_t = minLr + ½(maxLr − minLr)·(1 + cos(π·(t−w)/(T−w)))      w ≤ t ≤ T
 * lr_t = minLr                                                  t &gt; T       (clamped, no oscillation)
 * </pre>
 * with w = {@code warmupSteps} and T = {@code maxSteps}. The {@code (t+1)} makes step w−1 reach maxLr.
 * It equals PyTorch's {@code SequentialLR([LinearLR(1/w, 1, w−1), CosineAnnealingLR(T−w, minLr)], [w])} for
 * t ≤ T; past T PyTorch's cosine climbs again and this one stays at minLr.
 *
 * @param maxLr       the peak rate
 * @param minLr       the floor, 0 ≤ minLr ≤ maxLr (build-nanogpt: 0.1·maxLr)
 * @param warmupSteps w ≥ 1
 * @param maxSteps    T &gt; w
 */
public record WarmupCosineLr(double maxLr, double minLr, long warmupSteps, long maxSteps) implements LrSchedule {
    public WarmupCosineLr {
        Hyper.nonNegative("WarmupCosineLr", "maxLr", maxLr);
        Hyper.nonNegative("WarmupCosineLr", "minLr", minLr);
        if (minLr > maxLr) {
            throw new IllegalArgumentException("WarmupCosineLr: minLr " + minLr + " is above maxLr " + maxLr);
        }
        Hyper.atLeastOne("WarmupCosineLr", "warmupSteps", warmupSteps);
        if (maxSteps <= warmupSteps) {
            throw new IllegalArgumentException("WarmupCosineLr: maxSteps " + maxSteps + " must be greater than "
                    + "warmupSteps " + warmupSteps);
        }
    }

    @Override
    public double lr(long step) {
        if (step < warmupSteps) {
            // maxLr·(t+1)/w
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step > maxSteps) {
            return minLr;
        }
        // minLr + ½(maxLr − minLr)·(1 + cos(π·(t−w)/(T−w)))
        double decayRatio = (double) (step - warmupSteps) / (maxSteps - warmupSteps);
        return minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * decayRatio));
    }
}
