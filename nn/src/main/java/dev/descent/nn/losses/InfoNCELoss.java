package dev.descent.nn.losses;

import dev.descent.core.Functional;
import dev.descent.core.Tensor;

/**
 * InfoNCE with in-batch negatives (the one-directional form of CLIP's loss): query i's positive key is key i and
 * the other N − 1 keys are its negatives. With cosine similarity s and temperature τ,
 * ℓᵢ = −log( exp(s(qᵢ, kᵢ)/τ) / Σⱼ exp(s(qᵢ, kⱼ)/τ) ), L = mean over the N queries.
 */
public final class InfoNCELoss {
    private final float temperature;

    public InfoNCELoss(float temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("InfoNCELoss: temperature must be positive, got " + temperature);
        }
        this.temperature = temperature;
    }

    /** queries, keys (N, D) -> a scalar. */
    public Tensor forward(Tensor queries, Tensor keys) {
        if (queries.rank() != 2 || !queries.shape().equals(keys.shape())) {
            throw new IllegalArgumentException("InfoNCELoss: needs queries and keys of one shape (N, D), got "
                    + queries.shape() + " and " + keys.shape());
        }
        Tensor logits = Cosine.similarities(queries, keys).div(temperature);
        return Functional.crossEntropy(logits, Tensor.arange(queries.dim(0)).to(queries.backend()));
    }
}
