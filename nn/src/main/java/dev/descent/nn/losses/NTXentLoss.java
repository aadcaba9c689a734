package dev.descent.nn.losses;

import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Functional;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * SimCLR's normalized temperature-scaled cross-entropy (NT-Xent), the symmetric InfoNCE of two augmented
 * views. The 2N embeddings z = [z₁; z₂] are compared by cosine similarity s; row i's positive is its other view
 * (i ± N) and the other 2N − 2 rows are its negatives; self-similarity is masked out:
 * <pre>
 * ℓᵢ = −log( exp(s(i, pos(i))/τ) / Σ_{k≠i} exp(s(i, k)/τ) ),   L = mean over the 2N rows
 * </pre>
 */
public final class NTXentLoss {
    /**
     * The masked logit: a finite stand-in for −∞ (e^(−1e9) is 0 in float, so the loss is the same) that keeps a
     * fused cross-entropy finite even if it also sums log p over every class.
     */
    private static final float MASKED = -1e9f;

    private final float temperature;

    public NTXentLoss(float temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("NTXentLoss: temperature must be positive, got " + temperature);
        }
        this.temperature = temperature;
    }

    /** z1, z2 (N, D): row i of z1 and row i of z2 are two views of one example. Returns a scalar. */
    public Tensor forward(Tensor z1, Tensor z2) {
        if (z1.rank() != 2 || !z1.shape().equals(z2.shape()) || z1.dim(0) < 2) {
            throw new IllegalArgumentException("NTXentLoss: needs two views of one shape (N, D) with N >= 2, got "
                    + z1.shape() + " and " + z2.shape());
        }
        int n = z1.dim(0);
        Tensor z = Tensor.concat(List.of(z1, z2), 0);
        // logits = s(z, z)/τ with the diagonal masked out
        Tensor logits = Cosine.similarities(z, z).div(temperature);
        Backend backend = z.backend();
        Tensor index = Tensor.arange(2 * n).to(backend);
        Tensor self = backend.binary(BinaryOp.EQ, index.reshape(2 * n, 1), index.reshape(1, 2 * n));
        logits = Functional.maskedFill(logits, self, MASKED);
        // pos(i) = (i + N) mod 2N
        Tensor positives = Tensor.concat(List.of(index.slice(0, n, 2 * n), index.slice(0, 0, n)), 0);
        return Functional.crossEntropy(logits, positives);
    }
}
