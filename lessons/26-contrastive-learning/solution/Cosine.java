package dev.descent.lessons.contrastivelearning;

import dev.descent.core.Tensor;

/**
 * Exercise 26: the cosine similarity every contrastive loss of the lesson compares embeddings by. Put every row on
 * the unit sphere, and a matrix product gives all the dot products at once: cos(aᵢ, bⱼ) = âᵢ · b̂ⱼ.
 */
final class Cosine {
    private Cosine() {
    }

    /** Each row divided by its length ‖zᵢ‖₂: (N, D) -> (N, D) on the unit sphere. */
    static Tensor normalize(Tensor z) {
        return z.div(z.pow(2).sum(-1, true).sqrt());
    }

    /** cos(aᵢ, bⱼ) for all pairs: (N, D), (M, D) -> (N, M). */
    static Tensor matrix(Tensor a, Tensor b) {
        return normalize(a).matmul(normalize(b).transpose());
    }
}
