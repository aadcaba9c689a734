package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/** y = √x.  dL/dx = g / (2y). */
public final class Sqrt implements Op {
    private final Tensor x;
    private Tensor y;

    public Sqrt(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().unary(UnaryOp.SQRT, x);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.div(y.mul(2f)));
    }
}
