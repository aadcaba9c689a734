package dev.descent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks analytic gradients against central differences.
 *
 * <p>The function's output is reduced to a scalar with fixed random weights, L = Σ wᵢ·yᵢ, so every output
 * element is tested. For each input element, the numeric derivative is (L(x+h) − L(x−h)) / 2h with L summed in
 * double; it is compared with what backward produced. Since the forward pass runs in float32, h is relative to
 * the element's size and the tolerance is loose enough for float rounding, tight enough to catch a wrong rule.
 */
public final class GradCheck {
    private final String op;
    private final long seed;
    private double step = 1e-2;
    private double absTolerance = 2e-3;
    private double relTolerance = 2e-2;

    private GradCheck(String op, long seed) {
        this.op = op;
        this.seed = seed;
    }

    /** A check of {@code op}, whose inputs were drawn with {@code seed} (both go into failure messages). */
    public static GradCheck of(String op, long seed) {
        return new GradCheck(op, seed);
    }

    /** The finite-difference step relative to max(1, |x|); default 1e-2. */
    public GradCheck step(double h) {
        this.step = h;
        return this;
    }

    /** Passes when |analytic − numeric| ≤ abs + rel·max(|analytic|, |numeric|); defaults 2e-3 and 2e-2. */
    public GradCheck tolerance(double abs, double rel) {
        this.absTolerance = abs;
        this.relTolerance = rel;
        return this;
    }

    /** One disagreement between backward and the finite difference. */
    public record Mismatch(String op, long seed, int input, Shape shape, int index, double analytic, double numeric) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: input %d of shape %s, seed %d, index %d: analytic %.6g vs numeric %.6g",
                    op, input, shape, seed, index, analytic, numeric);
        }
    }

    /**
     * Runs the check for {@code f} at {@code inputs} (leaves; each is given requiresGrad) and returns every
     * element whose gradients disagree. An output that the graph does not connect to the inputs has analytic
     * gradient zero, so an op that forgets to record itself shows up as mismatches.
     */
    public List<Mismatch> run(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : inputs) {
            leaves.add(t.detach().requiresGrad(true));
        }
        Tensor out = f.apply(leaves);
        float[] weights = Tensor.rand(new Rng(seed ^ 0x5DEECE66DL), out.shape().dims()).toArray();
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 2 * weights[i] - 1;
        }
        Tensor w = out.backend().fromArray(weights, out.shape());
        Tensor loss = out.mul(w).sum();
        if (loss.requiresGrad()) {
            loss.backward();
        }

        List<Mismatch> mismatches = new ArrayList<>();
        for (int in = 0; in < leaves.size(); in++) {
            Tensor leaf = leaves.get(in);
            float[] analytic = leaf.grad() == null ? new float[leaf.numel()] : leaf.grad().toArray();
            float[] x = leaf.toArray();
            for (int i = 0; i < x.length; i++) {
                double h = step * Math.max(1.0, Math.abs(x[i]));
                double numeric = (weightedOutput(f, leaves, in, x, i, x[i] + h, weights)
                        - weightedOutput(f, leaves, in, x, i, x[i] - h, weights)) / (2 * h);
                double a = analytic[i];
                if (!(Math.abs(a - numeric) <= absTolerance + relTolerance * Math.max(Math.abs(a), Math.abs(numeric)))) {
                    mismatches.add(new Mismatch(op, seed, in, leaf.shape(), i, a, numeric));
                }
            }
        }
        return mismatches;
    }

    /** Like {@link #run} but throws an AssertionError listing the first mismatches. */
    public void check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        List<Mismatch> mismatches = run(f, inputs);
        if (!mismatches.isEmpty()) {
            StringBuilder sb = new StringBuilder("gradient check failed, " + mismatches.size() + " elements:");
            mismatches.stream().limit(5).forEach(m -> sb.append("\n  ").append(m));
            throw new AssertionError(sb.toString());
        }
    }

    /** L = Σ wᵢ·yᵢ in double, with element {@code index} of input {@code which} set to {@code value}. */
    @SuppressWarnings("try")
    private static double weightedOutput(Function<List<Tensor>, Tensor> f, List<Tensor> leaves, int which,
                                         float[] x, int index, double value, float[] weights) {
        float[] perturbed = x.clone();
        perturbed[index] = (float) value;
        List<Tensor> args = new ArrayList<>(leaves);
        Tensor original = leaves.get(which);
        args.set(which, original.backend().fromArray(perturbed, original.shape()));
        float[] y;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            y = f.apply(args).toArray();
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) weights[i] * y[i];
        }
        return sum;
    }
}
