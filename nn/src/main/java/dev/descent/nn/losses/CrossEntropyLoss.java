package dev.descent.nn.losses;

import dev.descent.core.Functional;
import dev.descent.core.Reduction;
import dev.descent.core.Tensor;

/**
 * Cross-entropy of logits {@code (.., C)} against integer class targets {@code (..)}, with PyTorch's
 * semantics, over the core's fused op: targets equal to {@code ignoreIndex} count for nothing (MEAN divides by
 * the targets that are not ignored), and label smoothing ε mixes the one-hot target with the uniform one:
 * l = (1 − ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c). The targets are a float tensor holding class indices (descent has
 * one dtype, float32, exact for integers up to 2^24), e.g. {@code Tensor.fromArray(new float[] {2, 0, 1})}.
 */
public final class CrossEntropyLoss {
    private final Reduction reduction;
    private final int ignoreIndex;
    private final float labelSmoothing;

    /** Mean reduction, ignore index −100, no smoothing: PyTorch's defaults. */
    public CrossEntropyLoss() {
        this(Reduction.MEAN, Functional.DEFAULT_IGNORE_INDEX, 0f);
    }

    public CrossEntropyLoss(Reduction reduction, int ignoreIndex, float labelSmoothing) {
        this.reduction = reduction;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    /** logits (.., C), targets (..) -> a scalar, or (..) with Reduction.NONE. */
    public Tensor forward(Tensor logits, Tensor targets) {
        return Functional.crossEntropy(logits, targets, reduction, ignoreIndex, labelSmoothing);
    }
}
