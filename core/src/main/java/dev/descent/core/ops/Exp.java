package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/** y = e^x.  dL/dx = g·y. */
public final class Exp implements Op {
    private final Tensor x;
    private Tensor y;

    public Exp(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().unary(UnaryOp.EXP, x);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(y));
    }
}
