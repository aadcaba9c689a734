package dev.descent.optim;

/**
 * PyTorch's {@code LinearLR}: the factor moves linearly from {@code startFactor} to {@code endFactor} over
 * {@code totalIters} steps, then stays:
 * <pre>
 * lr_t = baseLr·(s + (e − s)·min(t, N)/N)
 * </pre>
 * PyTorch's doc example (base 0.05, s = 0.5, e = 1, N = 4) gives 0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, ...
 *
 * @param baseLr      the optimizer's rate the factors multiply
 * @param startFactor s in (0, 1]
 * @param endFactor   e in [0, 1]
 * @param totalIters  N ≥ 1
 */
public record LinearLr(double baseLr, double startFactor, double endFactor, long totalIters) implements LrSchedule {
    public LinearLr {
        Hyper.nonNegative("LinearLr", "baseLr", baseLr);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearLr: invalid startFactor " + startFactor + " (must be in (0, 1])");
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLr: invalid endFactor " + endFactor + " (must be in [0, 1])");
        }
        Hyper.atLeastOne("LinearLr", "totalIters", totalIters);
    }

    @Override
    public double lr(long step) {
        // baseLr·(s + (e − s)·min(t, N)/N)
        return baseLr * (startFactor + (endFactor - startFactor) * Math.min(step, totalIters) / totalIters);
    }
}
