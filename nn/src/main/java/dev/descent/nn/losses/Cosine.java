package dev.descent.nn.losses;

import dev.descent.core.BinaryOp;
import dev.descent.core.Functional;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/** Cosine similarity as PyTorch computes it: each vector divided by max(‖v‖₂, ε) before the dot products. */
final class Cosine {
    /** PyTorch's ε for {@code cosine_similarity}. */
    static final float EPS = 1e-8f;

    private Cosine() {
    }

    /** v / max(‖v‖₂, ε) for each row of {@code (N, D)}. */
    static Tensor normalize(Tensor v) {
        Tensor norm = v.pow(2).sum(-1, true).sqrt();
        Tensor big = norm.backend().binaryScalar(BinaryOp.GT, norm, EPS);
        return v.div(Functional.where(big, norm, norm.backend().full(Shape.scalar(), EPS)));
    }

    /** The (N, M) matrix of cosine similarities between the rows of a (N, D) and b (M, D). */
    static Tensor similarities(Tensor a, Tensor b) {
        return normalize(a).matmul(normalize(b).transpose());
    }
}
