package dev.descent.nn;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Checks the gradients backward gives a module's parameters against central differences, the way core's
 * GradCheck checks an op's inputs: the output is reduced with fixed random weights, L = Σ wᵢ·yᵢ, and for each
 * checked parameter element (L(θ+h) − L(θ−h))/2h, summed in double, is compared with the analytic gradient.
 * Parameters are perturbed in place with copyFrom and restored. Same step and tolerances as GradCheck.
 */
public final class ParameterGradCheck {
    private static final double STEP = 1e-2;
    private static final double ABS_TOLERANCE = 2e-3;
    private static final double REL_TOLERANCE = 2e-2;

    private ParameterGradCheck() {
    }

    /** Checks every element of every parameter. */
    public static void check(String name, long seed, Module module, Supplier<Tensor> output) {
        check(name, seed, module, output, Integer.MAX_VALUE);
    }

    /** Checks at most {@code perParameter} elements of each parameter, spread evenly over it. */
    public static void check(String name, long seed, Module module, Supplier<Tensor> output, int perParameter) {
        module.zeroGrad();
        Tensor out = output.get();
        float[] weights = Tensor.rand(new Rng(seed ^ 0x5DEECE66DL), out.shape().dims()).toArray();
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 2 * weights[i] - 1;
        }
        out.mul(out.backend().fromArray(weights, out.shape())).sum().backward();

        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : module.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            float[] analytic = p.grad() == null ? new float[p.numel()] : p.grad().toArray();
            float[] x = p.toArray();
            int stride = Math.max(1, x.length / Math.min(x.length, perParameter));
            for (int i = 0; i < x.length; i += stride) {
                double h = STEP * Math.max(1.0, Math.abs(x[i]));
                double numeric = (weighted(p, x, i, x[i] + h, output, weights)
                        - weighted(p, x, i, x[i] - h, output, weights)) / (2 * h);
                double a = analytic[i];
                if (!(Math.abs(a - numeric) <= ABS_TOLERANCE + REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(numeric)))) {
                    mismatches.add(String.format(Locale.ROOT, "%s: parameter %s %s, seed %d, index %d: analytic %.6g vs numeric %.6g",
                            name, e.getKey(), p.shape(), seed, i, a, numeric));
                }
            }
            p.copyFrom(p.backend().fromArray(x, p.shape()));
        }
        module.zeroGrad();
        if (!mismatches.isEmpty()) {
            throw new AssertionError("parameter gradient check failed, " + mismatches.size() + " elements:\n  "
                    + String.join("\n  ", mismatches.subList(0, Math.min(5, mismatches.size()))));
        }
    }

    @SuppressWarnings("try")
    private static double weighted(Tensor p, float[] x, int index, double value, Supplier<Tensor> output,
                                   float[] weights) {
        float[] perturbed = x.clone();
        perturbed[index] = (float) value;
        p.copyFrom(p.backend().fromArray(perturbed, p.shape()));
        float[] y;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            y = output.get().toArray();
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) weights[i] * y[i];
        }
        return sum;
    }
}
