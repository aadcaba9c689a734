package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/** y = a / b, elementwise, broadcast.  dL/da = g / b,  dL/db = −g·a / b². */
public final class Div implements Op {
    private final Tensor a;
    private final Tensor b;

    public Div(Tensor a, Tensor b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public Tensor forward() {
        Shape.broadcast(name(), a.shape(), b.shape());
        return Tensor.sameBackend(name(), a, b).binary(BinaryOp.DIV, a, b);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(a, b);
    }

    @Override
    public void backward(Tensor g) {
        if (a.requiresGrad()) {
            a.accumulateGrad(g.div(b));
        }
        if (b.requiresGrad()) {
            b.accumulateGrad(g.mul(a).div(b.mul(b)).neg());
        }
    }
}
