package dev.descent.nn.layers;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Init;
import dev.descent.nn.Module;

/**
 * An affine map of the last axis: {@code x (.., in) -> y (.., out)}, y = x·Wᵀ + b, with W stored
 * {@code (out, in)} as in PyTorch.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    /** PyTorch's default initialisation: W and b from U(−k, k) with k = 1/√in. */
    public Linear(int in, int out, boolean bias, Rng rng) {
        this(Init.uniform(rng, -bound(in), bound(in), out, in),
                bias ? Init.uniform(rng, -bound(in), bound(in), out) : null);
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    /** A layer with the given initial values: {@code weight (out, in)}, {@code bias (out)} or null for none. */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0)))) {
            throw new IllegalArgumentException("Linear: needs weight (out, in) and bias (out), got "
                    + weight.shape() + " and " + (bias == null ? "no bias" : bias.shape()));
        }
        this.weight = parameter("weight", weight);
        this.bias = bias == null ? null : parameter("bias", bias);
    }

    private static float bound(int in) {
        return (float) (1 / Math.sqrt(in));
    }

    /** (.., in) -> (.., out) */
    @Override
    public Tensor forward(Tensor x) {
        // y = x·Wᵀ + b, with no transposed copy of W
        return Functional.linear(x, weight, bias);
    }

    /** W, shape (out, in). */
    public Tensor weight() {
        return weight;
    }

    /** b, shape (out), or null. */
    public Tensor bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        return "in=" + weight.dim(1) + ", out=" + weight.dim(0) + ", bias=" + (bias != null);
    }
}
