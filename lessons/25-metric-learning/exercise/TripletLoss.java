package dev.descent.lessons.metriclearning;

import dev.descent.core.Tensor;
import dev.descent.lessons.Exercise;

/**
 * Exercise 25: the triplet loss. An anchor should be nearer to a positive (same class) than to a negative (another
 * class) by at least a margin; triplets that already are cost nothing, the others the amount they fall short.
 */
final class TripletLoss {
    private TripletLoss() {
    }

    /** d(x, y) = ‖x − y‖₂ row by row: (N, D), (N, D) -> (N). */
    static Tensor distance(Tensor x, Tensor y) {
        throw Exercise.todo("25", "the Euclidean distance row by row, TripletLoss.distance");
    }

    /** Mean over i of max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0), for rows (N, D) of anchors, positives, negatives. */
    static Tensor of(Tensor anchor, Tensor positive, Tensor negative, float margin) {
        throw Exercise.todo("25", "the triplet loss, TripletLoss.of");
    }
}
