package dev.descent.lessons.softmax;

import dev.descent.core.Tensor;

/**
 * Exercise 12: softmax that cannot overflow. Subtracting any constant from every logit leaves softmax unchanged
 * (the factor e^−c cancels between numerator and denominator); subtracting the largest logit makes every exponent
 * ≤ 0, so no e^z can leave float range, and one of them is exactly e^0 = 1.
 */
final class StableSoftmax {
    private StableSoftmax() {
    }

    /** pᵢ = e^(zᵢ−m) / Σⱼ e^(zⱼ−m) over the last axis, m = maxⱼ zⱼ, written with tensor ops. */
    static Tensor of(Tensor z) {
        Tensor e = z.sub(z.max(-1, true)).exp();
        return e.div(e.sum(-1, true));
    }
}
