package dev.descent.lessons.gradientdescent;

import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lesson 02: gradient descent by hand. Walk downhill on f(x) = (x − 3)² and on the bowl g(x, y) = x² + 10y²,
 * with derivatives worked out on paper, then check them against autograd.
 */
public final class Main {
    /** The 1-D function f(x) = (x − 3)², minimum 0 at x = 3. */
    static double f(double x) {
        return (x - 3) * (x - 3);
    }

    /** x_{t+1} = x_t − η·f'(x_t), from x₀, for {@code steps} steps; returns every x_t. */
    static double[] descend1d(double x0, double lr, int steps) {
        double[] xs = new double[steps + 1];
        xs[0] = x0;
        for (int t = 0; t < steps; t++) {
            xs[t + 1] = xs[t] - lr * Derivatives.parabola(xs[t]);
        }
        return xs;
    }

    /** g(x, y) = x² + 10y²: a bowl ten times steeper along y, descended with the gradient worked out by hand. */
    static double[][] descend2d(double x0, double y0, double lr, int steps) {
        double[][] path = new double[steps + 1][];
        path[0] = new double[] {x0, y0};
        for (int t = 0; t < steps; t++) {
            double[] gradient = Derivatives.bowl(path[t][0], path[t][1]);
            path[t + 1] = new double[] {path[t][0] - lr * gradient[0], path[t][1] - lr * gradient[1]};
        }
        return path;
    }

    /** dg/d(x, y) at a point, computed by the autograd engine instead of by hand. */
    static float[] autogradGradient(float x, float y) {
        Tensor p = Tensor.fromArray(new float[] {x, y}, 2).requiresGrad(true);
        Tensor weights = Tensor.fromArray(new float[] {1, 10}, 2);
        p.pow(2).mul(weights).sum().backward();
        return p.grad().toArray();
    }

    public static void main(String[] args) {
        double[] xs = descend1d(0, 0.1, 50);
        System.out.printf(Locale.ROOT, "1-D: f(x) = (x-3)^2 from x0 = 0, lr 0.1: x after 10 steps %.4f, after 50 %.6f%n",
                xs[10], xs[50]);
        System.out.printf(Locale.ROOT, "     each step shrinks the distance to 3 by (1 - 2*lr) = %.1f%n", 1 - 2 * 0.1);

        double[][] path = descend2d(10, 1, 0.04, 60);
        System.out.printf(Locale.ROOT, "2-D: g = x^2 + 10y^2 from (10, 1), lr 0.04: after 60 steps (%.5f, %.2e)%n",
                path[60][0], path[60][1]);
        System.out.printf(Locale.ROOT, "     y converges in a few steps (factor %.2f), x slowly (factor %.2f)%n",
                Math.abs(1 - 20 * 0.04), 1 - 2 * 0.04);

        float[] auto = autogradGradient(1.5f, -0.5f);
        System.out.printf(Locale.ROOT, "gradient at (1.5, -0.5): by hand (%.1f, %.1f), by autograd (%.1f, %.1f)%n",
                2 * 1.5, 20 * -0.5, auto[0], auto[1]);

        double[] loss1d = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            loss1d[i] = f(xs[i]);
        }
        double[] gx = new double[path.length];
        double[] gy = new double[path.length];
        for (int i = 0; i < path.length; i++) {
            gx[i] = path[i][0];
            gy[i] = path[i][1];
        }
        Path folder = LessonFolder.of("02-gradient-descent");
        Plot.lines("f(x) = (x-3)^2 along gradient descent, lr 0.1", "step", "f(x)").series("f", loss1d).logY()
                .save(folder.resolve("loss-1d.png"));
        Plot.lines("Path on g = x^2 + 10y^2, lr 0.04", "x", "y").series("path", gx, gy).points()
                .save(folder.resolve("path-2d.png"));
        System.out.println("wrote loss-1d.png and path-2d.png in " + folder);
    }
}
