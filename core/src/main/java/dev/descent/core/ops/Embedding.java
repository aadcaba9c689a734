package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * y[.., :] = table[ids[..], :] for {@code table (V, C)} and integer-valued {@code ids (..)}, giving {@code (.., C)}.
 * dL/dtable[v] = Σ over positions with id v of g[pos]: repeated ids accumulate. The ids get no gradient.
 */
public final class Embedding implements Op {
    private final Tensor table;
    private final Tensor ids;

    public Embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be (V, C), got " + table.shape());
        }
        Tensor.sameBackend("embedding", table, ids);
        this.table = table;
        this.ids = ids;
    }

    @Override
    public Tensor forward() {
        return table.backend().embedding(table, ids);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(table);
    }

    @Override
    public void backward(Tensor g) {
        table.accumulateGrad(g.backend().embeddingBackward(g, ids, table.dim(0)));
    }
}
