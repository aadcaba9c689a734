package dev.descent.lessons;

import dev.descent.core.Autograd;
import dev.descent.core.Tensor;
import dev.descent.optim.LrSchedule;
import dev.descent.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A loss of one parameter vector θ, written in Tensor ops: the landscapes the optimizer lessons walk down. It
 * gives the gradient by autograd and runs an optimizer of {@code dev.descent.optim} on itself, recording the
 * path θ₀, θ₁, … as plain arrays (easy to print, plot and compare).
 * <pre>{@code
 * Objective valley = theta -> theta.pow(2).mul(curvatures).sum().mul(0.5f);
 * List<float[]> path = valley.descend(start, params -> new SGD(params).lr(0.01).momentum(0.9), 100);
 * }</pre>
 */
@FunctionalInterface
public interface Objective {

    /** The loss at θ, a vector of shape (n); returns a single-element tensor. */
    Tensor loss(Tensor theta);

    /** ∇loss(θ), computed by autograd at a detached copy of θ (so θ itself is left alone). */
    default Tensor gradient(Tensor theta) {
        Tensor leaf = theta.detach().requiresGrad(true);
        loss(leaf).backward();
        return leaf.grad();
    }

    /** The loss at θ as a number. */
    @SuppressWarnings("try")
    default double value(float[] theta) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            return loss(Tensor.fromArray(theta)).item();
        }
    }

    /** The loss at every point of a path. */
    default double[] values(List<float[]> path) {
        double[] out = new double[path.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = value(path.get(t));
        }
        return out;
    }

    /**
     * Runs the optimizer that {@code make} builds over the single parameter θ (starting at {@code start}) for
     * {@code steps} steps at its own learning rate.
     *
     * @return θ₀ = start, θ₁, …, θ_steps
     */
    default List<float[]> descend(float[] start, Function<List<Tensor>, Optimizer<?>> make, int steps) {
        return descend(start, make, null, steps);
    }

    /**
     * As {@link #descend(float[], Function, int)}, setting the learning rate to {@code schedule.lr(t)} before
     * step t (t = 0, 1, …); a null schedule leaves the optimizer's own rate.
     */
    default List<float[]> descend(float[] start, Function<List<Tensor>, Optimizer<?>> make, LrSchedule schedule,
                                  int steps) {
        Tensor theta = Tensor.fromArray(start).requiresGrad(true);
        Optimizer<?> optimizer = make.apply(List.of(theta));
        List<float[]> path = new ArrayList<>(List.of(theta.toArray()));
        for (int t = 0; t < steps; t++) {
            if (schedule != null) {
                schedule.apply(optimizer, t);
            }
            optimizer.zeroGrad();
            loss(theta).backward();
            optimizer.step();
            path.add(theta.toArray());
        }
        return path;
    }

    /** The first step t from which the loss stays below {@code tolerance} to the end of the path, or -1. */
    default int stepsToStayBelow(List<float[]> path, double tolerance) {
        double[] losses = values(path);
        int t = losses.length;
        while (t > 0 && losses[t - 1] < tolerance) {
            t--;
        }
        return t == losses.length ? -1 : t;
    }

    /** The largest |difference| between two paths of the same length, over every step and coordinate. */
    static float maxDifference(List<float[]> a, List<float[]> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("maxDifference: paths of " + a.size() + " and " + b.size() + " points");
        }
        float max = 0;
        for (int t = 0; t < a.size(); t++) {
            for (int i = 0; i < a.get(t).length; i++) {
                max = Math.max(max, Math.abs(a.get(t)[i] - b.get(t)[i]));
            }
        }
        return max;
    }

    /** Coordinate i of every point of a path (for plots of one parameter over time, or of 2-D paths). */
    static double[] coordinate(List<float[]> path, int i) {
        double[] out = new double[path.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = path.get(t)[i];
        }
        return out;
    }
}
