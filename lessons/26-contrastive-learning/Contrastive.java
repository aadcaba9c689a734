package dev.descent.lessons.contrastivelearning;

import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Functional;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/**
 * Contrastive losses written out on tensors. Both compare embeddings by cosine similarity, divide by a
 * temperature τ, and ask each row to pick out its positive among the candidates, a classification whose classes
 * are the other examples of the batch.
 */
final class Contrastive {
    private Contrastive() {
    }

    /**
     * Mean over rows of −log softmax(logits)[i][target(i)], the cross-entropy with one positive per row, where
     * {@code positive} is 1 at (i, target(i)) and 0 elsewhere. The positive's log-probability is picked with
     * {@code where}, not by multiplying with the 0/1 mask: a masked −∞ times 0 would be NaN.
     */
    static Tensor crossEntropy(Tensor logits, Tensor positive) {
        Tensor logp = logits.logSoftmax();
        Tensor picked = Functional.where(positive, logp, logp.backend().full(logp.shape(), 0f));
        return picked.sum(-1, false).mean().neg();
    }

    /**
     * InfoNCE: query i's positive is key i, the other keys are its negatives.
     * ℓᵢ = −log( exp(cos(qᵢ, kᵢ)/τ) / Σⱼ exp(cos(qᵢ, kⱼ)/τ) ).  (N, D), (N, D) -> scalar.
     */
    static Tensor infoNce(Tensor queries, Tensor keys, float temperature) {
        int n = queries.dim(0);
        Tensor index = Tensor.arange(n);
        Tensor diagonal = queries.backend().binary(BinaryOp.EQ, index.reshape(n, 1), index.reshape(1, n));
        return crossEntropy(Cosine.matrix(queries, keys).div(temperature), diagonal);
    }

    /**
     * NT-Xent (SimCLR): the 2N embeddings z = [z₁; z₂] all compete. Row i's positive is its other view, i ± N; the
     * other 2N − 2 rows are its negatives; the similarity of a row with itself is masked out:
     * ℓᵢ = −log( exp(s(i, pos(i))/τ) / Σ_{k≠i} exp(s(i, k)/τ) ),  L = mean over the 2N rows.
     */
    static Tensor ntXent(Tensor z1, Tensor z2, float temperature) {
        int n = z1.dim(0);
        Tensor z = Tensor.concat(List.of(z1, z2), 0);
        Backend backend = z.backend();
        Tensor index = Tensor.arange(2 * n);
        Tensor row = index.reshape(2 * n, 1);
        Tensor column = index.reshape(1, 2 * n);
        Tensor self = backend.binary(BinaryOp.EQ, row, column);
        // pos(i) = (i + N) mod 2N: |i − k| = N
        Tensor positive = backend.binary(BinaryOp.EQ, backend.unary(UnaryOp.ABS,
                backend.binary(BinaryOp.SUB, row, column)), backend.full(Shape.scalar(), n));
        Tensor logits = Functional.maskedFill(Cosine.matrix(z, z).div(temperature), self, Float.NEGATIVE_INFINITY);
        return crossEntropy(logits, positive);
    }
}
