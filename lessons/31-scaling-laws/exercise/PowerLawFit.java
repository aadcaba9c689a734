package dev.descent.lessons.scalinglaws;

import dev.descent.lessons.Exercise;

/**
 * Exercise 31: fitting L(N) = (N_c/N)^α by least squares. Taking logarithms makes the power law a straight line,
 * ln L = α·ln N_c − α·ln N, so an ordinary least-squares line y = a + b·x through x = ln N, y = ln L gives it:
 * <pre>
 * b = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²,  a = ȳ − b·x̄
 * α = −b,  N_c = e^(a/α),  R² = 1 − SS_res / SS_tot
 * </pre>
 */
final class PowerLawFit {
    private PowerLawFit() {
    }

    /** The power law through the points (parameters[i], losses[i]), with its R² in log space. */
    static Main.PowerLaw of(double[] parameters, double[] losses) {
        throw Exercise.todo("31", "the least-squares power-law fit, PowerLawFit.of");
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s / v.length;
    }
}
