package dev.descent.nn.losses;

import dev.descent.core.Reduction;
import dev.descent.core.Tensor;

/** Mean squared error: lᵢ = (xᵢ − yᵢ)², reduced by mean (default), sum or none. */
public final class MSELoss {
    private final Reduction reduction;

    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** input and target of the same shape -> a scalar, or that shape with Reduction.NONE. */
    public Tensor forward(Tensor input, Tensor target) {
        if (!input.shape().equals(target.shape())) {
            throw new IllegalArgumentException("MSELoss: input " + input.shape() + " and target " + target.shape()
                    + " must have the same shape");
        }
        return Reductions.reduce(input.sub(target).pow(2), reduction);
    }
}
