package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/** y = −x.  dL/dx = −g. */
public final class Neg implements Op {
    private final Tensor x;

    public Neg(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        return x.backend().unary(UnaryOp.NEG, x);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.neg());
    }
}
