package dev.descent.core;

import java.util.List;

/**
 * Layer normalisation over the last axis of {@code x (.., C)}, computed in two passes:
 * μ = Σx/C, then σ² = Σ(x−μ)²/C (biased), rstd = 1/√(σ²+ε), x̂ = (x−μ)·rstd, y = γ⊙x̂ + β.
 * Backward, per row with ĝ = g⊙γ:  dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)),  dγ = Σ_rows g⊙x̂,  dβ = Σ_rows g.
 *
 * <p>When x already holds a gradient that backward made (a residual stream, whose other consumer ran first), dx is
 * added into it by the backward kernel itself ({@link Backend#layerNormBackwardInto}): no (.., C) temporary and no
 * separate addition.
 */
final class LayerNorm implements Op {
    private final Tensor x;
    private final Tensor gamma;
    private final Tensor beta;
    private final float eps;
    private Backend.LayerNormResult computed;
    private Tensor mean;
    private Tensor rstd;

    LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        requireAffine("layerNorm", x, gamma, beta);
        this.x = x;
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    /** The layer norm of {@code x} whose output a fused kernel already computed along with x ({@link ResidualLayerNorm}). */
    LayerNorm(Tensor x, Tensor gamma, Tensor beta, Backend.LayerNormResult computed) {
        this(x, gamma, beta, 0f);
        this.computed = computed;
    }

    /** Refuses a γ or β that is not {@code (C)} for {@code x (.., C)}, or that lives on another backend. */
    static void requireAffine(String op, Tensor x, Tensor gamma, Tensor beta) {
        int c = x.dim(-1);
        if (gamma.rank() != 1 || gamma.dim(0) != c || !gamma.shape().equals(beta.shape())) {
            throw new IllegalArgumentException(op + ": input " + x.shape() + " needs gamma and beta of shape ("
                    + c + "), got " + gamma.shape() + " and " + beta.shape());
        }
        Tensor.sameBackend(op, x, gamma);
        Tensor.sameBackend(op, x, beta);
    }

    @Override
    public Tensor forward() {
        Backend.LayerNormResult r = computed != null ? computed : x.backend().layerNorm(x, gamma, beta, eps);
        computed = null;
        mean = r.mean();
        rstd = r.rstd();
        return r.y();
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x, gamma, beta);
    }

    @Override
    public void backward(Tensor g) {
        Backend b = g.backend();
        Tensor into = Backprop.ownedGradient(x);
        Backend.LayerNormGrads grads;
        if (into != null) {
            // dx ← dx + LN'(g) in place, in the kernel
            grads = b.layerNormBackwardInto(into, g, x, gamma, mean, rstd);
        } else {
            grads = b.layerNormBackward(g, x, gamma, mean, rstd);
            x.accumulateGrad(grads.dx());
        }
        gamma.accumulateGrad(grads.dgamma());
        beta.accumulateGrad(grads.dbeta());
    }

    @Override
    public String name() {
        return "layerNorm";
    }
}
