package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/** y = σ(x) = 1 / (1 + e^−x).  dL/dx = g·y·(1 − y). */
public final class Sigmoid implements Op {
    private final Tensor x;
    private Tensor y;

    public Sigmoid(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().unary(UnaryOp.SIGMOID, x);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(y).mul(y.neg().add(1f)));
    }
}
