package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.ReduceOp;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * y = maxₖ x[.., k, ..] along one axis, kept with size 1.
 * dL/dx = g·[x = y] / #{k : x = y}: the gradient goes to the maximum, split evenly between ties.
 */
public final class Max implements Op {
    private final Tensor x;
    private final int axis;
    private Tensor y;

    public Max(Tensor x, int axis) {
        this.x = x;
        this.axis = axis;
    }

    @Override
    public Tensor forward() {
        if (x.dim(axis) == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + x.shape() + " is empty");
        }
        y = x.backend().reduce(ReduceOp.MAX, x, axis);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        Tensor isMax = x.backend().binary(BinaryOp.EQ, x, y);
        Tensor ties = isMax.sum(axis, true);
        x.accumulateGrad(isMax.mul(g.div(ties)));
    }
}
