package dev.descent.core;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one {@code long}, so a training run can
 * save it in a checkpoint and resume the exact same stream.
 *
 * <p>Not thread-safe: give each thread its own generator.
 */
public final class Rng {
    private static final double TWO_PI = 2 * Math.PI;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The generator's entire state; {@code new Rng(0).setState(s)} continues the stream exactly. */
    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    /** SplitMix64: add the golden-ratio increment, then mix the bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits, exactly representable as a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /**
     * A standard normal draw by Box-Muller, one draw per call (no cached spare, so the state stays one long):
     * {@code z = sqrt(-2 ln u1) · cos(2π u2)}.
     */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(TWO_PI * u2);
    }
}
