package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * Per-row cross-entropy from logits, fused with log-softmax (log-sum-exp with the max subtracted, so logits of
 * ±1000 stay finite). For {@code logits (N, C)}, integer-valued {@code targets (N)} and label smoothing ε:
 * lₙ = (1−ε)·(−log p_{n,yₙ}) + (ε/C)·Σ_c(−log p_{n,c}), and lₙ = 0 where yₙ = ignoreIndex.  Output {@code (N)}.
 * dL/dlogitsₙ = gₙ·(pₙ − ((1−ε)·onehot(yₙ) + ε/C)), zero for ignored rows.
 */
public final class CrossEntropy implements Op {
    private final Tensor logits;
    private final Tensor targets;
    private final int ignoreIndex;
    private final float labelSmoothing;

    public CrossEntropy(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing) {
        if (logits.rank() != 2 || targets.rank() != 1 || targets.dim(0) != logits.dim(0)) {
            throw new IllegalArgumentException("crossEntropy: needs logits (N, C) and targets (N), got "
                    + logits.shape() + " and " + targets.shape());
        }
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        Tensor.sameBackend("crossEntropy", logits, targets);
        this.logits = logits;
        this.targets = targets;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public Tensor forward() {
        return logits.backend().crossEntropy(logits, targets, ignoreIndex, labelSmoothing);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(logits);
    }

    @Override
    public void backward(Tensor g) {
        logits.accumulateGrad(g.backend().crossEntropyBackward(logits, targets, g, ignoreIndex, labelSmoothing));
    }

    @Override
    public String name() {
        return "crossEntropy";
    }
}
