package dev.descent.core;

import static dev.descent.core.BinaryOp.ADD;
import static dev.descent.core.BinaryOp.EQ;
import static dev.descent.core.BinaryOp.MUL;
import static dev.descent.core.BinaryOp.SUB;
import static dev.descent.core.ReduceOp.SUM;

/**
 * {@link Backend#crossEntropy}, its backward and {@link Backend#crossEntropyInPlace} written with primitives, for
 * {@code logits (N, C)} and integer-valued {@code targets (N)}: the default of every backend and the oracle of the
 * fused versions. Rows whose target is ignoreIndex give loss 0 and a zero gradient; selections use {@code where},
 * so a logit of −∞ outside the target never turns a loss into 0·∞ = NaN.
 */
final class ComposedCrossEntropy {
    private ComposedCrossEntropy() {
    }

    /** lₙ = (1−ε)·(−log p_{n,yₙ}) + (ε/C)·Σ_c(−log p_{n,c}), log p = log-softmax(logitsₙ). {@code (N)}. */
    static Tensor forward(Backend b, Tensor logits, Tensor targets, int ignoreIndex, float smoothing) {
        int c = logits.dim(1);
        try (MemoryScope temps = b.scope()) {
            Tensor onehot = oneHot(b, targets, c, ignoreIndex);
            Tensor logp = b.softmax(logits, true);
            Tensor zero = b.full(Shape.scalar(), 0f);
            // −log p_y: the log-probability the one-hot picks
            Tensor loss = b.binaryScalar(MUL, b.reduce(SUM, b.where(onehot, logp, zero), 1), -(1 - smoothing));
            if (smoothing != 0) {
                // + (ε/C)·Σ_c −log p_c
                loss = b.binary(ADD, loss, b.binaryScalar(MUL, b.reduce(SUM, logp, 1), -smoothing / c));
            }
            Tensor rows = b.where(ignored(b, targets, ignoreIndex), zero, loss);
            temps.keep(rows);
            return rows.view(targets.shape());
        }
    }

    /** dlogitsₙ = gₙ·(pₙ − ((1−ε)·onehot(yₙ) + ε/C)), p = softmax(logitsₙ); zero rows where ignored. */
    static Tensor backward(Backend b, Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex,
                           float smoothing) {
        int n = logits.dim(0);
        int c = logits.dim(1);
        try (MemoryScope temps = b.scope()) {
            Tensor onehot = oneHot(b, targets, c, ignoreIndex);
            Tensor wanted = b.binaryScalar(ADD, b.binaryScalar(MUL, onehot, 1 - smoothing), smoothing / c);
            Tensor d = b.binary(MUL, rowGrad.view(Shape.of(n, 1)), b.binary(SUB, b.softmax(logits, false), wanted));
            Tensor dlogits = b.where(ignored(b, targets, ignoreIndex), b.full(Shape.scalar(), 0f), d);
            temps.keep(dlogits);
            return dlogits;
        }
    }

    /** The row losses of {@link #forward} without smoothing; then logits ← p − onehot(y) ({@link #backward}, g = 1). */
    static Tensor inPlace(Backend b, Tensor logits, Tensor targets, int ignoreIndex) {
        Tensor rows = forward(b, logits, targets, ignoreIndex, 0f);
        Tensor ones = b.full(targets.shape(), 1f);
        Tensor dlogits = backward(b, logits, targets, ones, ignoreIndex, 0f);
        b.copyInto(logits, dlogits);
        ones.storage().release();
        dlogits.storage().release();
        return rows;
    }

    private static Tensor oneHot(Backend b, Tensor targets, int classes, int ignoreIndex) {
        return OneHot.of(b, "crossEntropy", targets, classes, ignoreIndex,
                classes + " classes (ignoreIndex " + ignoreIndex + ")");
    }

    /** [yₙ == ignoreIndex] as a column {@code (N, 1)}. */
    private static Tensor ignored(Backend b, Tensor targets, int ignoreIndex) {
        return b.binaryScalar(EQ, targets.view(Shape.of(targets.numel(), 1)), ignoreIndex);
    }
}
