package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/** y = max(x, 0).  dL/dx = g·[x &gt; 0]. */
public final class Relu implements Op {
    private final Tensor x;
    private Tensor y;

    public Relu(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().unary(UnaryOp.RELU, x);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(x.backend().unary(UnaryOp.STEP, x)));
    }
}
