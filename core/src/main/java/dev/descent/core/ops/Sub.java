package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/** y = a − b, broadcast.  dL/da = g,  dL/db = −g. */
public final class Sub implements Op {
    private final Tensor a;
    private final Tensor b;

    public Sub(Tensor a, Tensor b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public Tensor forward() {
        Shape.broadcast(name(), a.shape(), b.shape());
        return Tensor.sameBackend(name(), a, b).binary(BinaryOp.SUB, a, b);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(a, b);
    }

    @Override
    public void backward(Tensor g) {
        a.accumulateGrad(g);
        if (b.requiresGrad()) {
            b.accumulateGrad(g.neg());
        }
    }
}
