package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/** y = tanh x.  dL/dx = g·(1 − y²). */
public final class Tanh implements Op {
    private final Tensor x;
    private Tensor y;

    public Tanh(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().unary(UnaryOp.TANH, x);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(y.mul(y).neg().add(1f)));
    }
}
