package dev.descent.core;

import java.util.List;

/**
 * A residual add and the layer norm after it, as a pre-LN transformer block has them (h = x + attn(ln1(x)), then
 * ln2(h)), computed by one backend call ({@link Backend#residualLayerNorm}: one kernel writes the new residual
 * stream h and the normalised y) and recorded as the two ops they are:
 * <pre>
 * h = x + a            dL/dx = dL/da = dL/dh
 * y = layerNorm(h)     dL/dh += LN'(dL/dy), added into h's gradient in the backward kernel ({@link LayerNorm})
 * </pre>
 * so autograd sends h's gradient from both of its consumers (the next residual add and the layer norm) back as it
 * would for the unfused pair.
 */
final class ResidualLayerNorm {
    private ResidualLayerNorm() {
    }

    /** {@code x, a (.., C)}, {@code gamma, beta (C)} -> h and y, both {@code (.., C)}. */
    static Functional.ResidualNorm apply(Tensor x, Tensor a, Tensor gamma, Tensor beta, float eps) {
        if (!x.shape().equals(a.shape())) {
            throw new IllegalArgumentException("residualLayerNorm: the residual x " + x.shape()
                    + " and the branch a added to it need one shape, got " + a.shape());
        }
        Tensor.sameBackend("residualLayerNorm", x, a);
        LayerNorm.requireAffine("residualLayerNorm", x, gamma, beta);
        Backend.ResidualLayerNormResult[] computed = new Backend.ResidualLayerNormResult[1];
        Tensor sum = Autograd.record(Op.of("residualLayerNorm", List.of(x, a), () -> {
            computed[0] = x.backend().residualLayerNorm(x, a, gamma, beta, eps);
            return computed[0].sum();
        }, (g, h) -> {
            x.accumulateGrad(g);
            a.accumulateGrad(g);
        }));
        Backend.ResidualLayerNormResult r = computed[0];
        Tensor y = Autograd.record(new LayerNorm(sum, gamma, beta,
                new Backend.LayerNormResult(r.y(), r.mean(), r.rstd())));
        return new Functional.ResidualNorm(sum, y);
    }
}
