package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.ReduceOp;
import dev.descent.core.Tensor;
import java.util.List;

/** y = Σₖ x[.., k, ..] along one axis, kept with size 1.  dL/dx = g broadcast back along that axis. */
public final class Sum implements Op {
    private final Tensor x;
    private final int axis;

    public Sum(Tensor x, int axis) {
        this.x = x;
        this.axis = axis;
    }

    @Override
    public Tensor forward() {
        return x.backend().reduce(ReduceOp.SUM, x, axis);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.backend().broadcastTo(g, x.shape()));
    }
}
