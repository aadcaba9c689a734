package dev.descent.lessons.learningrate;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 04: the learning rate. Gradient descent on a least-squares problem with a too-small, a good, a
 * just-stable and a too-large step, against the theory: along each eigenvector of the Hessian the error is
 * multiplied by (1 − ηλ) per step, so η must stay below 2/λ_max.
 */
public final class Main {
    static final int POINTS = 200;
    static final long SEED = 4;
    /** Correlation between the two features: it makes the bowl elongated (λ_max/λ_min ≈ 9). */
    static final double CORRELATION = 0.8;
    static final float[] TRUE_W = {1.0f, -2.0f};
    static final float NOISE = 0.1f;
    static final int STEPS = 60;
    /** Updates per run in the sweep: few enough that no run reaches the float32 floor (about 1e-14). */
    static final int SWEEP_STEPS = 30;

    /**
     * Least squares L(w) = (1/N)‖X w − y‖² with X (N, 2): two features x₁ ~ N(0, 1) and
     * x₂ = 0.8·x₁ + 0.6·z, y = X·(1, −2) + 0.1·ε. Also its Hessian H = (2/N) XᵀX and minimiser w* = (XᵀX)⁻¹Xᵀy,
     * in double.
     */
    record Problem(Tensor x, Tensor y, double[][] hessian, double[] wStar) {
        static Problem make(long seed) {
            Rng rng = new Rng(seed);
            Tensor x1 = Tensor.randn(rng, POINTS, 1);
            Tensor x2 = x1.mul((float) CORRELATION).add(Tensor.randn(rng, POINTS, 1)
                    .mul((float) Math.sqrt(1 - CORRELATION * CORRELATION)));
            Tensor x = Tensor.concat(List.of(x1, x2), 1);
            Tensor y = x.matmul(Tensor.fromArray(TRUE_W, 2, 1)).add(Tensor.randn(rng, POINTS, 1).mul(NOISE));
            float[] xs = x.toArray();
            float[] ys = y.toArray();
            double[][] xtx = new double[2][2];
            double[] xty = new double[2];
            for (int n = 0; n < POINTS; n++) {
                for (int i = 0; i < 2; i++) {
                    xty[i] += xs[2 * n + i] * (double) ys[n];
                    for (int j = 0; j < 2; j++) {
                        xtx[i][j] += xs[2 * n + i] * (double) xs[2 * n + j];
                    }
                }
            }
            double det = xtx[0][0] * xtx[1][1] - xtx[0][1] * xtx[1][0];
            double[] wStar = {(xtx[1][1] * xty[0] - xtx[0][1] * xty[1]) / det,
                (xtx[0][0] * xty[1] - xtx[1][0] * xty[0]) / det};
            double[][] hessian = {{2 * xtx[0][0] / POINTS, 2 * xtx[0][1] / POINTS},
                {2 * xtx[1][0] / POINTS, 2 * xtx[1][1] / POINTS}};
            return new Problem(x, y, hessian, wStar);
        }

        /** {λ_min, λ_max} of the symmetric 2×2 Hessian: λ = (tr ± √(tr² − 4·det)) / 2. */
        double[] eigenvalues() {
            double tr = hessian[0][0] + hessian[1][1];
            double det = hessian[0][0] * hessian[1][1] - hessian[0][1] * hessian[1][0];
            double root = Math.sqrt(tr * tr - 4 * det);
            return new double[] {(tr - root) / 2, (tr + root) / 2};
        }

        /** The critical learning rate 2/λ_max: above it the steepest direction overshoots further each step. */
        double criticalLr() {
            return LearningRates.critical(eigenvalues()[1]);
        }

        /** 2/(λ_min + λ_max): the fixed rate whose slowest direction shrinks fastest. */
        double bestLr() {
            double[] lambda = eigenvalues();
            return LearningRates.best(lambda[0], lambda[1]);
        }

        /** L(w) − L(w*) = ½ (w − w*)ᵀ H (w − w*), exact for a quadratic, in double. */
        double excessLoss(float[] w) {
            double d0 = w[0] - wStar[0];
            double d1 = w[1] - wStar[1];
            return 0.5 * (d0 * (hessian[0][0] * d0 + hessian[0][1] * d1)
                    + d1 * (hessian[1][0] * d0 + hessian[1][1] * d1));
        }
    }

    /** Runs {@code steps} updates of SGD on the full data from w = 0; returns L(w_t) − L(w*) for t = 0..steps. */
    static double[] excessLossCurve(Problem problem, double lr, int steps) {
        Tensor w = Tensor.zeros(2, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(w)).lr(lr);
        double[] curve = new double[steps + 1];
        for (int t = 0; t <= steps; t++) {
            curve[t] = problem.excessLoss(w.toArray());
            if (t < steps) {
                problem.x().matmul(w).sub(problem.y()).pow(2).mean().backward();
                sgd.step();
                sgd.zeroGrad();
            }
        }
        return curve;
    }

    /** The excess loss after {@link #SWEEP_STEPS} updates for each learning rate ratio·(2/λ_max). */
    static double[] sweep(Problem problem, double[] ratios) {
        double[] finals = new double[ratios.length];
        for (int i = 0; i < ratios.length; i++) {
            double[] curve = excessLossCurve(problem, ratios[i] * problem.criticalLr(), SWEEP_STEPS);
            finals[i] = curve[SWEEP_STEPS];
        }
        return finals;
    }

    /** 0.05, 0.10, .., 1.20 (as multiples of the critical learning rate). */
    static double[] sweepRatios() {
        double[] ratios = new double[24];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = 0.05 * (i + 1);
        }
        return ratios;
    }

    public static void main(String[] args) {
        Problem problem = Problem.make(SEED);
        double[] lambda = problem.eigenvalues();
        double critical = problem.criticalLr();
        System.out.printf(Locale.ROOT, "least squares with two correlated features: Hessian eigenvalues "
                + "lambda_min = %.4f, lambda_max = %.4f%n", lambda[0], lambda[1]);
        System.out.printf(Locale.ROOT, "critical lr 2/lambda_max = %.4f; best fixed lr 2/(lambda_min + lambda_max) "
                + "= %.4f%n", critical, problem.bestLr());

        String[] names = {"too low", "best", "too high", "just below critical"};
        double[] lrs = {0.05 * critical, problem.bestLr(), 1.05 * critical, 0.95 * critical};
        double[][] curves = new double[lrs.length][];
        System.out.println("excess loss L(w) - L(w*) after t updates of gradient descent from w = 0:");
        System.out.println("  lr                          t=0        t=10       t=30       t=60   factor/step");
        for (int i = 0; i < lrs.length; i++) {
            curves[i] = excessLossCurve(problem, lrs[i], STEPS);
            double slowest = Math.max(Math.abs(1 - lrs[i] * lambda[0]), Math.abs(1 - lrs[i] * lambda[1]));
            System.out.printf(Locale.ROOT, "  %-20s %.4f  %9.3e  %9.3e  %9.3e  %9.3e   %.3f%n", names[i], lrs[i],
                    curves[i][0], curves[i][10], curves[i][30], curves[i][60], slowest);
        }

        double[] ratios = sweepRatios();
        double[] finals = sweep(problem, ratios);
        System.out.printf(Locale.ROOT, "sweep: excess loss after %d updates, lr as a multiple of 2/lambda_max:%n",
                SWEEP_STEPS);
        StringBuilder line = new StringBuilder();
        for (int i = 1; i < ratios.length; i += 2) {
            line.append(String.format(Locale.ROOT, "  %.1f: %.1e", ratios[i], finals[i]));
        }
        System.out.println(line);

        Path folder = LessonFolder.of("04-learning-rate");
        Plot curvesPlot = Plot.lines("Gradient descent on least squares, four learning rates", "update",
                "excess loss L(w) - L(w*)").logY();
        for (int i = 0; i < lrs.length; i++) {
            curvesPlot.series(String.format(Locale.ROOT, "%s, lr %.3f", names[i], lrs[i]), curves[i]);
        }
        curvesPlot.save(folder.resolve("curves.png"));
        Plot.lines("Excess loss after " + SWEEP_STEPS + " updates vs learning rate", "lr / (2 / lambda_max)",
                "excess loss after " + SWEEP_STEPS + " updates").series("excess loss", ratios, finals).logY()
                .save(folder.resolve("sweep.png"));
        System.out.println("wrote curves.png and sweep.png in " + folder);
    }
}
