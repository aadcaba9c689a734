package dev.descent.lessons.contrastivelearning;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;

/**
 * Exercise 26: the cosine similarity every contrastive loss of the lesson compares embeddings by. Put every row on
 * the unit sphere, and a matrix product gives all the dot products at once: cos(aᵢ, bⱼ) = âᵢ · b̂ⱼ.
 */
final class Cosine {
    private Cosine() {
    }

    /** Each row divided by its length ‖zᵢ‖₂: (N, D) -> (N, D) on the unit sphere. */
    static Tensor normalize(Tensor z) {
        throw Exercise.todo("26", "normalising the rows, Cosine.normalize");
    }

    /** cos(aᵢ, bⱼ) for all pairs: (N, D), (M, D) -> (N, M). */
    static Tensor matrix(Tensor a, Tensor b) {
        throw Exercise.todo("26", "the cosine similarity matrix, Cosine.matrix");
    }
}
