package dev.descent.lessons.batchnorm;

import dev.descent.core.Tensor;

/**
 * Exercise 15: batch normalisation's backward pass, derived by hand. In training, y = γ·x̂ + β with
 * x̂ = (x − μ)/s, s = √(σ² + ε), and μ, σ² the batch's own mean and (biased) variance per feature. Every xₙ moves
 * μ and σ² too, so dL/dxₙ has three paths: through its own x̂ₙ, through μ, through σ². Summed, per feature:
 * <pre>
 * dx̂ = γ·dy
 * dx = (dx̂ − mean_n(dx̂) − x̂·mean_n(dx̂·x̂)) / s
 * </pre>
 * (the mean over the batch removes what μ absorbs, the x̂ term what σ² absorbs).
 */
final class BatchNormBackward {
    private BatchNormBackward() {
    }

    /** dL/dx {@code (N, C)} for inputs x (N, C), scale γ (C) and the upstream gradient dL/dy (N, C). */
    static Tensor dx(Tensor x, Tensor gamma, Tensor dy, float eps) {
        Tensor mean = x.mean(0, true);
        Tensor centred = x.sub(mean);
        Tensor s = centred.pow(2).mean(0, true).add(eps).sqrt();
        Tensor xHat = centred.div(s);
        Tensor dxHat = dy.mul(gamma);
        return dxHat.sub(dxHat.mean(0, true)).sub(xHat.mul(dxHat.mul(xHat).mean(0, true))).div(s);
    }
}
