package dev.descent.nn.layers;

import dev.descent.core.Functional;
import dev.descent.core.Tensor;
import dev.descent.nn.Init;
import dev.descent.nn.Module;

/**
 * Layer normalisation over the last axis with a learned scale and shift (γ = 1, β = 0 at start):
 * y = γ·(x − μ)/√(σ² + ε) + β, with μ and the biased σ² taken over the last axis of each row.
 */
public final class LayerNorm extends Module {
    /** PyTorch's default ε. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final Tensor weight;
    private final Tensor bias;
    private final float eps;

    public LayerNorm(int features) {
        this(features, DEFAULT_EPS);
    }

    public LayerNorm(int features, float eps) {
        this.weight = parameter("weight", Init.ones(features));
        this.bias = parameter("bias", Init.zeros(features));
        this.eps = eps;
    }

    /** (.., C) -> (.., C) */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, weight, bias, eps);
    }

    /** γ, shape (C). */
    public Tensor weight() {
        return weight;
    }

    /** β, shape (C). */
    public Tensor bias() {
        return bias;
    }

    /** ε, added to the variance. */
    public float eps() {
        return eps;
    }

    @Override
    protected String extraRepr() {
        return weight.dim(0) + ", eps=" + eps;
    }
}
