package dev.descent.lessons.rmsprop;

import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Objective;
import dev.descent.lessons.Plot;
import dev.descent.optim.RMSProp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 08: RMSProp. Divide each parameter's gradient by the root of its own running mean square, and a
 * direction with 100 times the gradient takes the same size of step as the gentle one. Written out on tensors,
 * then checked against {@code dev.descent.optim.RMSProp}.
 */
public final class Main {
    /** f(x, y) = ½(x² + 100y²), the valley of lesson 07. ∇f = (x, 100y). */
    static final Objective VALLEY = theta -> theta.pow(2).mul(Tensor.fromArray(new float[] {1, 100})).sum().mul(0.5f);

    /** As far from the minimum along the floor as up the wall, so both coordinates have the same way to go. */
    static final float[] START = {1, 1};

    static final double LR = 0.01;
    static final double ALPHA = 0.99;
    static final double EPS = 1e-8;
    /** Gradient descent's best rate here, just under its limit 2/100 set by the steep direction. */
    static final float GD_LR = 0.019f;
    static final double TOLERANCE = 0.01;

    /** One run: θ₀ … θ_T and, after each step t = 1 … T, the root mean square √v_t the step divided by. */
    record Run(List<float[]> path, List<float[]> rootMeanSquare) {
    }

    /**
     * RMSProp written out, as PyTorch computes it:
     * <pre>
     * v ← α·v + (1 − α)·g²           a running mean of the squared gradient, per parameter (v starts at 0)
     * θ ← θ − lr·g/(√v + ε)          each parameter's step divided by its own typical gradient size
     * </pre>
     * ε sits outside the square root (TensorFlow puts it inside); it only matters when v is near 0.
     */
    static Run handRmsProp(Objective f, float[] start, double lr, double alpha, double eps, int steps) {
        Tensor theta = Tensor.fromArray(start);
        Tensor v = Tensor.zeros(start.length);
        List<float[]> path = new ArrayList<>(List.of(theta.toArray()));
        List<float[]> rootMeanSquare = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Tensor g = f.gradient(theta);
            // v ← α·v + (1 − α)·g²
            v = RmsPropStep.meanSquare(v, g, alpha);
            // θ ← θ − lr·g/(√v + ε)
            Tensor rms = v.sqrt();
            theta = RmsPropStep.step(theta, g, rms, lr, eps);
            path.add(theta.toArray());
            rootMeanSquare.add(rms.toArray());
        }
        return new Run(path, rootMeanSquare);
    }

    /** θ ← θ − lr·g: the same learning rate for every parameter. */
    static List<float[]> gradientDescent(Objective f, float[] start, float lr, int steps) {
        Tensor theta = Tensor.fromArray(start);
        List<float[]> path = new ArrayList<>(List.of(theta.toArray()));
        for (int t = 0; t < steps; t++) {
            theta = theta.sub(f.gradient(theta).mul(lr));
            path.add(theta.toArray());
        }
        return path;
    }

    /** The framework's {@code RMSProp(lr, alpha, eps, weightDecay 0, momentum 0, centered false)}. */
    static List<float[]> optimRmsProp(Objective f, float[] start, double lr, double alpha, double eps, int steps) {
        return f.descend(start, params -> new RMSProp(params).lr(lr).alpha(alpha).eps(eps), steps);
    }

    /** |θ_t,i − θ_{t−1},i|: the size of step t in coordinate i. */
    static float stepSize(List<float[]> path, int t, int i) {
        return Math.abs(path.get(t)[i] - path.get(t - 1)[i]);
    }

    /** The first step t from which every coordinate stays within {@code tolerance} of 0, or -1. */
    static int stepsToReach(List<float[]> path, double tolerance) {
        int t = path.size();
        while (t > 0 && within(path.get(t - 1), tolerance)) {
            t--;
        }
        return t == path.size() ? -1 : t;
    }

    private static boolean within(float[] theta, double tolerance) {
        for (float value : theta) {
            if (Math.abs(value) >= tolerance) {
                return false;
            }
        }
        return true;
    }

    public static void main(String[] args) {
        int steps = 300;
        Run rms = handRmsProp(VALLEY, START, LR, ALPHA, EPS, steps);
        List<float[]> gd = gradientDescent(VALLEY, START, GD_LR, steps);

        System.out.println("valley f(x, y) = (x^2 + 100 y^2)/2 from (1, 1): the gradient (x, 100y) is 100x larger in y");
        System.out.printf(Locale.ROOT, "gradient descent, lr %.3f: first step sizes x %.4f, y %.4f%n", GD_LR,
                stepSize(gd, 1, 0), stepSize(gd, 1, 1));
        System.out.printf(Locale.ROOT, "RMSProp, lr %.2f, alpha %.2f:%n", LR, ALPHA);
        System.out.println("  step   g_x       g_y       rms_x     rms_y     lr/rms_x  lr/rms_y  |dx|      |dy|");
        for (int t = 1; t <= 5; t++) {
            float[] before = rms.path().get(t - 1);
            float[] root = rms.rootMeanSquare().get(t - 1);
            System.out.printf(Locale.ROOT, "  %4d  %8.4f  %8.3f  %8.4f  %8.3f  %8.4f  %8.6f  %.6f  %.6f%n", t,
                    before[0], 100 * before[1], root[0], root[1], LR / root[0], LR / root[1],
                    stepSize(rms.path(), t, 0), stepSize(rms.path(), t, 1));
        }
        System.out.printf(Locale.ROOT, "  the first step is lr/sqrt(1-alpha) = %.3f in every coordinate%n",
                LR / Math.sqrt(1 - ALPHA));
        float[] at100 = rms.path().get(100);
        System.out.printf(Locale.ROOT, "after 100 steps: RMSProp at (%.3e, %.3e), gradient descent at (%.3e, %.3e)%n",
                at100[0], at100[1], gd.get(100)[0], gd.get(100)[1]);
        System.out.printf(Locale.ROOT, "steps until both coordinates stay within %.2f of the minimum: gradient "
                + "descent %d, RMSProp %d%n", TOLERANCE, stepsToReach(gd, TOLERANCE), stepsToReach(rms.path(), TOLERANCE));

        System.out.printf(Locale.ROOT, "hand-written vs dev.descent.optim.RMSProp, %d steps: max |difference| %s%n",
                steps, Objective.maxDifference(rms.path(), optimRmsProp(VALLEY, START, LR, ALPHA, EPS, steps)));

        Path folder = LessonFolder.of("08-rmsprop");
        int shown = 60;
        Plot.lines("First " + shown + " steps from (1, 1) on f = (x^2 + 100 y^2)/2", "x", "y")
                .series("gradient descent, lr 0.019", Objective.coordinate(gd.subList(0, shown + 1), 0),
                        Objective.coordinate(gd.subList(0, shown + 1), 1))
                .series("RMSProp, lr 0.01", Objective.coordinate(rms.path().subList(0, shown + 1), 0),
                        Objective.coordinate(rms.path().subList(0, shown + 1), 1))
                .save(folder.resolve("paths.png"));
        Plot.lines("Distance to the minimum in each coordinate", "step", "|coordinate|").logY()
                .series("gradient descent |x|", abs(Objective.coordinate(gd, 0)))
                .series("gradient descent |y|", abs(Objective.coordinate(gd, 1)))
                .series("RMSProp |x| and |y| (equal)", abs(Objective.coordinate(rms.path(), 0)))
                .save(folder.resolve("coordinates.png"));
        System.out.println("wrote paths.png and coordinates.png in " + folder);
    }

    private static double[] abs(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(values[i]);
        }
        return out;
    }
}
