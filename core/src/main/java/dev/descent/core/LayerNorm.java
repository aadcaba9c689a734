package dev.descent.core;

import java.util.List;

/**
 * Layer normalisation over the last axis of {@code x (.., C)}, computed in two passes:
 * μ = Σx/C, then σ² = Σ(x−μ)²/C (biased), rstd = 1/√(σ²+ε), x̂ = (x−μ)·rstd, y = γ⊙x̂ + β.
 * Backward, per row with ĝ = g⊙γ:  dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)),  dγ = Σ_rows g⊙x̂,  dβ = Σ_rows g.
 */
final class LayerNorm implements Op {
    private final Tensor x;
    private final Tensor gamma;
    private final Tensor beta;
    private final float eps;
    private Tensor mean;
    private Tensor rstd;

    LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int c = x.dim(-1);
        if (gamma.rank() != 1 || gamma.dim(0) != c || !gamma.shape().equals(beta.shape())) {
            throw new IllegalArgumentException("layerNorm: input " + x.shape() + " needs gamma and beta of shape ("
                    + c + "), got " + gamma.shape() + " and " + beta.shape());
        }
        this.x = x;
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    @Override
    public Tensor forward() {
        Tensor.sameBackend(name(), x, gamma);
        Tensor.sameBackend(name(), x, beta);
        Backend.LayerNormResult r = x.backend().layerNorm(x, gamma, beta, eps);
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
        Backend.LayerNormGrads grads = g.backend().layerNormBackward(g, x, gamma, mean, rstd);
        x.accumulateGrad(grads.dx());
        gamma.accumulateGrad(grads.dgamma());
        beta.accumulateGrad(grads.dbeta());
    }

    @Override
    public String name() {
        return "layerNorm";
    }
}
