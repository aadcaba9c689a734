package dev.descent.nn.losses;

import dev.descent.core.Reduction;
import dev.descent.core.Tensor;

/**
 * Triplet margin loss with PyTorch's semantics (p = 2, no swap): for anchors a, positives p and negatives n,
 * each {@code (N, D)}, lᵢ = max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0), where d(x, y) = ‖x − y + ε‖₂ with
 * ε = 1e-6 as in {@code pairwise_distance}; mean reduction by default.
 */
public final class TripletMarginLoss {
    /** The ε {@code torch.nn.functional.pairwise_distance} adds to the difference. */
    public static final float EPS = 1e-6f;

    private final float margin;
    private final Reduction reduction;

    /** Margin 1, mean reduction: PyTorch's defaults. */
    public TripletMarginLoss() {
        this(1f, Reduction.MEAN);
    }

    public TripletMarginLoss(float margin, Reduction reduction) {
        this.margin = margin;
        this.reduction = reduction;
    }

    /** anchor, positive, negative (N, D) -> a scalar, or (N) with Reduction.NONE. */
    public Tensor forward(Tensor anchor, Tensor positive, Tensor negative) {
        if (anchor.rank() != 2 || !anchor.shape().equals(positive.shape()) || !anchor.shape().equals(negative.shape())) {
            throw new IllegalArgumentException("TripletMarginLoss: needs anchor, positive and negative of one shape (N, D), got "
                    + anchor.shape() + ", " + positive.shape() + " and " + negative.shape());
        }
        // l = max(d(a, p) − d(a, n) + margin, 0)
        Tensor losses = distance(anchor, positive).sub(distance(anchor, negative)).add(margin).relu();
        return Reductions.reduce(losses, reduction);
    }

    /** d(x, y) = √Σ(x − y + ε)² over the last axis: (N, D) -> (N). */
    static Tensor distance(Tensor x, Tensor y) {
        return x.sub(y).add(EPS).pow(2).sum(-1, false).sqrt();
    }
}
