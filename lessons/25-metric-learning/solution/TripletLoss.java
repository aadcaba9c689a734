package dev.descent.lessons.metriclearning;

import dev.descent.core.Tensor;

/**
 * Exercise 25: the triplet loss. An anchor should be nearer to a positive (same class) than to a negative (another
 * class) by at least a margin; triplets that already are cost nothing, the others the amount they fall short.
 */
final class TripletLoss {
    private TripletLoss() {
    }

    /** d(x, y) = ‖x − y‖₂ row by row: (N, D), (N, D) -> (N). */
    static Tensor distance(Tensor x, Tensor y) {
        return x.sub(y).pow(2).sum(-1, false).sqrt();
    }

    /** Mean over i of max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0), for rows (N, D) of anchors, positives, negatives. */
    static Tensor of(Tensor anchor, Tensor positive, Tensor negative, float margin) {
        return distance(anchor, positive).sub(distance(anchor, negative)).add(margin).relu().mean();
    }
}
