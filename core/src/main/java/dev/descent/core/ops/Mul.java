package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/** y = a·b, elementwise, broadcast.  dL/da = g·b,  dL/db = g·a. */
public final class Mul implements Op {
    private final Tensor a;
    private final Tensor b;

    public Mul(Tensor a, Tensor b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public Tensor forward() {
        Shape.broadcast(name(), a.shape(), b.shape());
        return Tensor.sameBackend(name(), a, b).binary(BinaryOp.MUL, a, b);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(a, b);
    }

    @Override
    public void backward(Tensor g) {
        if (a.requiresGrad()) {
            a.accumulateGrad(g.mul(b));
        }
        if (b.requiresGrad()) {
            b.accumulateGrad(g.mul(a));
        }
    }
}
