package dev.descent.core;

import java.util.List;

/** The ops along one axis: sum and max (the axis kept with size 1), and softmax and log-softmax (the last axis). */
final class Reductions {
    private Reductions() {
    }

    /** y = Σₖ x[.., k, ..] along one axis, kept with size 1.  dL/dx = g broadcast back along that axis. */
    static Tensor sum(Tensor x, int axis) {
        return Autograd.record(Op.of("sum", List.of(x), () -> x.backend().reduce(ReduceOp.SUM, x, axis),
                (g, y) -> x.accumulateGrad(g.backend().broadcastTo(g, x.shape()))));
    }

    /**
     * y = maxₖ x[.., k, ..] along one axis, kept with size 1.
     * dL/dx = g·[x = y] / #{k : x = y}: the gradient goes to the maximum, split evenly between ties.
     */
    static Tensor max(Tensor x, int axis) {
        if (x.dim(axis) == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + x.shape() + " is empty");
        }
        return Autograd.record(Op.of("max", List.of(x), () -> x.backend().reduce(ReduceOp.MAX, x, axis), (g, y) -> {
            Tensor isMax = x.backend().binary(BinaryOp.EQ, x, y);
            Tensor ties = isMax.sum(axis, true);
            x.accumulateGrad(isMax.mul(g.div(ties)));
        }));
    }

    /**
     * Over the last axis, m = maxⱼ xⱼ (it keeps e^ from overflowing):
     * softmax yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m),  dL/dx = y ⊙ (g − Σⱼ gⱼyⱼ);
     * log-softmax yᵢ = xᵢ − m − log Σⱼ e^(xⱼ−m),  dL/dx = g − e^y · Σⱼ gⱼ.
     */
    static Tensor softmax(Tensor x, boolean log) {
        return Autograd.record(Op.of(log ? "logSoftmax" : "softmax", List.of(x), () -> x.backend().softmax(x, log),
                (g, y) -> x.accumulateGrad(g.backend().softmaxBackward(y, g, log))));
    }
}
