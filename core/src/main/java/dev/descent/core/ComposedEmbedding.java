package dev.descent.core;

import java.util.Arrays;

/**
 * {@link Backend#embedding} and its backward written with primitives, as products with the one-hot matrix of the
 * ids: the default of every backend and the oracle of the fused versions (exact for finite tables: each output
 * element is one table value plus zeros).
 */
final class ComposedEmbedding {
    private ComposedEmbedding() {
    }

    /** y = onehot(ids) · table: {@code table (V, C)}, {@code ids (..)} -> {@code (.., C)}. */
    static Tensor forward(Backend b, Tensor table, Tensor ids) {
        int vocab = table.dim(0);
        try (MemoryScope temps = b.scope()) {
            Tensor y = b.matmul(oneHot(b, ids, vocab), table, false, false);
            temps.keep(y);
            int[] dims = Arrays.copyOf(ids.shape().dims(), ids.rank() + 1);
            dims[ids.rank()] = table.dim(1);
            return y.view(Shape.of(dims));
        }
    }

    /** dtable = onehot(ids)ᵀ · g: row v sums g over the positions whose id is v. {@code (vocab, C)}. */
    static Tensor backward(Backend b, Tensor g, Tensor ids, int vocab) {
        try (MemoryScope temps = b.scope()) {
            Tensor rows = g.view(Shape.of(ids.numel(), g.dim(-1)));
            Tensor dtable = b.matmul(oneHot(b, ids, vocab), rows, true, false);
            temps.keep(dtable);
            return dtable;
        }
    }

    /** dtable ← dtable + the backward above, through the backend's own {@link Backend#embeddingBackward}. */
    static void backwardInto(Backend b, Tensor dtable, Tensor g, Tensor ids) {
        try (MemoryScope temps = b.scope()) {
            b.addInto(dtable, b.embeddingBackward(g, ids, dtable.dim(0)));
        }
    }

    private static Tensor oneHot(Backend b, Tensor ids, int vocab) {
        return OneHot.of(b, "embedding", ids, vocab, Integer.MIN_VALUE, "a vocabulary of size " + vocab);
    }
}
