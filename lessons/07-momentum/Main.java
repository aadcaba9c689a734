package dev.descent.lessons.momentum;

import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Objective;
import dev.descent.lessons.Plot;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 07: momentum. Gradient descent crawls along a long narrow valley; a velocity that remembers past
 * gradients rolls down it several times faster. The update is written out on tensors, then checked against
 * {@code dev.descent.optim.SGD} with momentum.
 */
public final class Main {
    /** f(x, y) = ½(x² + 100y²): a valley 10 times narrower across (y) than along (x). ∇f = (x, 100y). */
    static final Objective VALLEY = theta -> theta.pow(2).mul(Tensor.fromArray(new float[] {1, 100})).sum().mul(0.5f);

    /** Far along the valley floor and up one wall. */
    static final float[] START = {-10, 1};

    static final float LR = 0.012f;
    static final float MU = 0.9f;
    static final double TOLERANCE = 1e-6;

    /**
     * Momentum written out, in PyTorch's convention:
     * <pre>
     * v ← μ·v + g                     the velocity: a running sum of gradients, old ones fading by μ per step
     * θ ← θ − lr·v                    (heavy ball)
     * θ ← θ − lr·(g + μ·v)            (Nesterov: step with the gradient plus where the velocity goes next)
     * </pre>
     * v starts at 0, so the first step is a plain gradient step; μ = 0 is plain gradient descent.
     *
     * @return θ₀, θ₁, …, θ_steps
     */
    static List<float[]> handMomentum(Objective f, float[] start, float lr, float mu, boolean nesterov, int steps) {
        Tensor theta = Tensor.fromArray(start);
        Tensor v = Tensor.zeros(start.length);
        List<float[]> path = new ArrayList<>(List.of(theta.toArray()));
        for (int t = 0; t < steps; t++) {
            Tensor g = f.gradient(theta);
            // v ← μ·v + g
            v = MomentumStep.velocity(v, g, mu);
            // θ ← θ − lr·v   or, Nesterov, θ ← θ − lr·(g + μ·v)
            Tensor direction = MomentumStep.direction(v, g, mu, nesterov);
            theta = theta.sub(direction.mul(lr));
            path.add(theta.toArray());
        }
        return path;
    }

    /** The same run with the framework's optimizer: {@code SGD(lr, momentum μ, dampening 0, nesterov, decay 0)}. */
    static List<float[]> optimSgd(Objective f, float[] start, float lr, float mu, boolean nesterov, int steps) {
        return f.descend(start, params -> new SGD(params).lr(lr).momentum(mu).nesterov(nesterov), steps);
    }

    /**
     * On a constant slope f(θ) = c·θ the gradient never changes, so v = g·(1 + μ + μ² + …) grows towards
     * g/(1 − μ): after {@code steps} steps, the size of the last step divided by a plain step lr·g.
     */
    static float speedUpOnASlope(float mu, int steps) {
        Objective slope = theta -> theta.mul(2f).sum();
        List<float[]> path = handMomentum(slope, new float[] {0}, LR, mu, false, steps);
        float lastStep = path.get(steps - 1)[0] - path.get(steps)[0];
        return lastStep / (LR * 2f);
    }

    public static void main(String[] args) {
        int steps = 1000;
        List<float[]> plain = handMomentum(VALLEY, START, LR, 0, false, steps);
        List<float[]> heavyBall = handMomentum(VALLEY, START, LR, MU, false, steps);
        List<float[]> nesterov = handMomentum(VALLEY, START, LR, MU, true, steps);
        List<float[]> bestPlain = handMomentum(VALLEY, START, 0.019f, 0, false, steps);
        System.out.printf(Locale.ROOT, "valley f(x, y) = (x^2 + 100 y^2)/2 from (-10, 1): steps until f stays below %.0e%n",
                TOLERANCE);
        System.out.printf(Locale.ROOT, "  gradient descent  lr %.3f          %4d steps%n", LR,
                VALLEY.stepsToStayBelow(plain, TOLERANCE));
        System.out.printf(Locale.ROOT, "  momentum          lr %.3f, mu %.1f  %4d steps%n", LR, MU,
                VALLEY.stepsToStayBelow(heavyBall, TOLERANCE));
        System.out.printf(Locale.ROOT, "  Nesterov          lr %.3f, mu %.1f  %4d steps%n", LR, MU,
                VALLEY.stepsToStayBelow(nesterov, TOLERANCE));
        System.out.printf(Locale.ROOT, "  gradient descent at lr 0.019, just under its limit 2/100: %d steps%n",
                VALLEY.stepsToStayBelow(bestPlain, TOLERANCE));
        System.out.printf(Locale.ROOT, "after 10 steps: gradient descent at (%.3f, %.3f), momentum at (%.3f, %.3f)%n",
                plain.get(10)[0], plain.get(10)[1], heavyBall.get(10)[0], heavyBall.get(10)[1]);
        System.out.printf(Locale.ROOT, "on a constant slope the momentum step grows to %.4f x a plain step "
                + "(1/(1-mu) = %.1f)%n", speedUpOnASlope(MU, 200), 1 / (1 - MU));

        int compared = 300;
        System.out.printf(Locale.ROOT, "hand-written vs dev.descent.optim.SGD, %d steps: max |difference| "
                        + "momentum %s, Nesterov %s, plain %s%n", compared,
                Objective.maxDifference(handMomentum(VALLEY, START, LR, MU, false, compared),
                        optimSgd(VALLEY, START, LR, MU, false, compared)),
                Objective.maxDifference(handMomentum(VALLEY, START, LR, MU, true, compared),
                        optimSgd(VALLEY, START, LR, MU, true, compared)),
                Objective.maxDifference(handMomentum(VALLEY, START, LR, 0, false, compared),
                        optimSgd(VALLEY, START, LR, 0, false, compared)));

        Path folder = LessonFolder.of("07-momentum");
        int shown = 150;
        Plot.lines("First " + shown + " steps on f = (x^2 + 100 y^2)/2", "x", "y")
                .series("gradient descent, lr 0.019", Objective.coordinate(bestPlain.subList(0, shown + 1), 0),
                        Objective.coordinate(bestPlain.subList(0, shown + 1), 1))
                .series("momentum 0.9, lr 0.012", Objective.coordinate(heavyBall.subList(0, shown + 1), 0),
                        Objective.coordinate(heavyBall.subList(0, shown + 1), 1))
                .series("Nesterov 0.9, lr 0.012", Objective.coordinate(nesterov.subList(0, shown + 1), 0),
                        Objective.coordinate(nesterov.subList(0, shown + 1), 1))
                .save(folder.resolve("paths.png"));
        int plotted = 500;
        Plot.lines("Loss on the valley", "step", "f").logY()
                .series("gradient descent, lr 0.019", VALLEY.values(bestPlain.subList(0, plotted + 1)))
                .series("momentum 0.9, lr 0.012", VALLEY.values(heavyBall.subList(0, plotted + 1)))
                .series("Nesterov 0.9, lr 0.012", VALLEY.values(nesterov.subList(0, plotted + 1)))
                .save(folder.resolve("loss.png"));
        System.out.println("wrote paths.png and loss.png in " + folder);
    }
}
