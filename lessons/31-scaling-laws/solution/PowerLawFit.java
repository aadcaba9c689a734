package dev.descent.lessons.scalinglaws;

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
        int n = parameters.length;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.log(parameters[i]);
            y[i] = Math.log(losses[i]);
        }
        double xMean = mean(x);
        double yMean = mean(y);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - xMean) * (y[i] - yMean);
            sxx += (x[i] - xMean) * (x[i] - xMean);
        }
        double b = sxy / sxx;
        double a = yMean - b * xMean;
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < n; i++) {
            ssRes += Math.pow(y[i] - (a + b * x[i]), 2);
            ssTot += Math.pow(y[i] - yMean, 2);
        }
        return new Main.PowerLaw(-b, Math.exp(a / -b), 1 - ssRes / ssTot);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s / v.length;
    }
}
