package dev.descent.core;

import java.util.List;

/**
 * The ops indexed by integer-valued ids ({@link Indices}): the embedding lookup and the per-row cross-entropy, which
 * looks up each target's log-probability. The ids get no gradient.
 */
final class Lookups {
    private Lookups() {
    }

    /**
     * y[.., :] = table[ids[..], :] for {@code table (V, C)} and {@code ids (..)}, giving {@code (.., C)}.
     * dL/dtable[v] = Σ over positions with id v of g[pos]: repeated ids accumulate.
     */
    static Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be (V, C), got " + table.shape());
        }
        Tensor.sameBackend("embedding", table, ids);
        return Autograd.record(Op.of("embedding", List.of(table), () -> table.backend().embedding(table, ids),
                (g, y) -> backward(table, ids, g)));
    }

    private static void backward(Tensor table, Tensor ids, Tensor g) {
        Tensor into = Backprop.ownedGradient(table);
        if (into != null) {
            // a tied table's gradient already holds the classifier's part: the ids' rows are added into it in place
            g.backend().embeddingBackwardInto(into, g, ids);
        } else {
            table.accumulateGrad(g.backend().embeddingBackward(g, ids, table.dim(0)));
        }
    }

    /**
     * Per-row cross-entropy from logits, fused with log-softmax (log-sum-exp with the max subtracted, so logits of
     * ±1000 stay finite). For {@code logits (N, C)}, {@code targets (N)} and label smoothing ε:
     * lₙ = (1−ε)·(−log p_{n,yₙ}) + (ε/C)·Σ_c(−log p_{n,c}), and lₙ = 0 where yₙ = ignoreIndex.  Output {@code (N)}.
     * dL/dlogitsₙ = gₙ·(pₙ − ((1−ε)·onehot(yₙ) + ε/C)), zero for ignored rows.
     */
    static Tensor crossEntropyRows(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing) {
        if (logits.rank() != 2 || targets.rank() != 1 || targets.dim(0) != logits.dim(0)) {
            throw new IllegalArgumentException("crossEntropy: needs logits (N, C) and targets (N), got "
                    + logits.shape() + " and " + targets.shape());
        }
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        Tensor.sameBackend("crossEntropy", logits, targets);
        return Autograd.record(Op.of("crossEntropy", List.of(logits),
                () -> logits.backend().crossEntropy(logits, targets, ignoreIndex, labelSmoothing),
                (g, y) -> logits.accumulateGrad(
                        g.backend().crossEntropyBackward(logits, targets, g, ignoreIndex, labelSmoothing))));
    }
}
