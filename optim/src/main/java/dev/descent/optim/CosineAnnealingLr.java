package dev.descent.optim;

/**
 * PyTorch's {@code CosineAnnealingLR}, with its quirk: it does not stop at {@code tMax}.
 *
 * <p>PyTorch computes the rate recursively from the previous one,
 * <pre>
 * η_0 = η_max
 * η_t = η_min + (η_{t−1} − η_min)·(1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T))
 * η_t = η_{t−1} + ½(η_max − η_min)·(1 − cos(π/T))        when (t − 1 − T) mod 2T = 0 (the denominator is 0)
 * </pre>
 * Substituting the closed form below for η_{t−1} gives the closed form for η_t in both branches, so by
 * induction the recursion equals
 * <pre>
 * η_t = η_min + ½(η_max − η_min)·(1 + cos(π·t/T))
 * </pre>
 * at every t, which is what this class computes (the test runs PyTorch's recursion against it). Past T the
 * cosine keeps going: the rate climbs back to η_max at 2T and oscillates with period 2T.
 * {@link WarmupCosineLr} clamps instead.
 *
 * @param baseLr η_max, the optimizer's initial rate
 * @param tMax   T ≥ 1, steps from η_max down to η_min
 * @param etaMin η_min ≥ 0
 */
public record CosineAnnealingLr(double baseLr, long tMax, double etaMin) implements LrSchedule {
    public CosineAnnealingLr {
        Hyper.nonNegative("CosineAnnealingLr", "baseLr", baseLr);
        Hyper.atLeastOne("CosineAnnealingLr", "tMax", tMax);
        Hyper.nonNegative("CosineAnnealingLr", "etaMin", etaMin);
    }

    @Override
    public double lr(long step) {
        // η_min + ½(η_max − η_min)·(1 + cos(π·t/T))
        return etaMin + 0.5 * (baseLr - etaMin) * (1 + Math.cos(Math.PI * step / tMax));
    }
}
