package dev.descent.core;

import static dev.descent.core.BinaryOp.ADD;
import static dev.descent.core.BinaryOp.DIV;
import static dev.descent.core.BinaryOp.MUL;
import static dev.descent.core.BinaryOp.SUB;
import static dev.descent.core.ReduceOp.SUM;
import static dev.descent.core.UnaryOp.SQRT;

import java.util.Arrays;

/**
 * {@link Backend#layerNorm} and its backward written with primitives, over the last axis of {@code x (.., C)} with
 * {@code gamma, beta (C)}: the default of every backend and the oracle of the fused versions.
 */
final class ComposedLayerNorm {
    private ComposedLayerNorm() {
    }

    /** μ = Σx/C, σ² = Σ(x−μ)²/C, rstd = 1/√(σ²+ε), y = γ ⊙ (x−μ)·rstd + β; mean and rstd are {@code (..)}. */
    static Backend.LayerNormResult forward(Backend b, Tensor x, Tensor gamma, Tensor beta, float eps) {
        int last = x.rank() - 1;
        float c = x.dim(-1);
        try (MemoryScope temps = b.scope()) {
            Tensor mean = b.binaryScalar(DIV, b.reduce(SUM, x, last), c);
            Tensor centred = b.binary(SUB, x, mean);
            Tensor variance = b.binaryScalar(DIV, b.reduce(SUM, b.binary(MUL, centred, centred), last), c);
            // rstd = 1 / √(σ² + ε)
            Tensor rstd = b.binary(DIV, b.full(Shape.scalar(), 1f), b.unary(SQRT, b.binaryScalar(ADD, variance, eps)));
            Tensor y = b.binary(ADD, b.binary(MUL, b.binary(MUL, centred, rstd), gamma), beta);
            temps.keep(y, mean, rstd);
            Shape rows = Shape.of(Arrays.copyOf(x.shape().dims(), last));
            return new Backend.LayerNormResult(y, mean.view(rows), rstd.view(rows));
        }
    }

    /** With x̂ = (x−μ)·rstd and ĝ = dy⊙γ: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)), dγ = Σ_rows dy⊙x̂, dβ = Σ_rows dy. */
    static Backend.LayerNormGrads backward(Backend b, Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        int last = x.rank() - 1;
        int c = x.dim(-1);
        Shape column = x.shape().withDim(last, 1);
        try (MemoryScope temps = b.scope()) {
            Tensor rs = rstd.view(column);
            Tensor xhat = b.binary(MUL, b.binary(SUB, x, mean.view(column)), rs);
            Tensor ghat = b.binary(MUL, dy, gamma);
            Tensor meanG = b.binaryScalar(DIV, b.reduce(SUM, ghat, last), c);
            Tensor meanGx = b.binaryScalar(DIV, b.reduce(SUM, b.binary(MUL, ghat, xhat), last), c);
            Tensor dx = b.binary(MUL, rs, b.binary(SUB, b.binary(SUB, ghat, meanG), b.binary(MUL, xhat, meanGx)));
            Tensor dgamma = sumOverRows(b, b.binary(MUL, dy, xhat), c);
            Tensor dbeta = sumOverRows(b, dy, c);
            temps.keep(dx, dgamma, dbeta);
            return new Backend.LayerNormGrads(dx, dgamma, dbeta);
        }
    }

    /** h = x + a, then {@link #forward} of h. */
    static Backend.ResidualLayerNormResult residualForward(Backend b, Tensor x, Tensor a, Tensor gamma, Tensor beta,
                                                           float eps) {
        Tensor sum = b.binary(ADD, x, a);
        Backend.LayerNormResult r = forward(b, sum, gamma, beta, eps);
        return new Backend.ResidualLayerNormResult(sum, r.y(), r.mean(), r.rstd());
    }

    /** {@link #backward}, its dx added into {@code dx} in place. */
    static Backend.LayerNormGrads backwardInto(Backend b, Tensor dx, Tensor dy, Tensor x, Tensor gamma, Tensor mean,
                                              Tensor rstd) {
        Backend.LayerNormGrads grads = backward(b, dy, x, gamma, mean, rstd);
        b.addInto(dx, grads.dx());
        grads.dx().storage().release();
        return new Backend.LayerNormGrads(dx, grads.dgamma(), grads.dbeta());
    }

    /** Σ over every row of {@code t (.., C)}: {@code (C)}. */
    private static Tensor sumOverRows(Backend b, Tensor t, int c) {
        Tensor rows = t.view(Shape.of(c == 0 ? 0 : t.numel() / c, c));
        return b.reduce(SUM, rows, 0).view(Shape.of(c));
    }
}
