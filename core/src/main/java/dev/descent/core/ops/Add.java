package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/** y = a + b, broadcast.  dL/da = g,  dL/db = g  (each summed back to its input's shape). */
public final class Add implements Op {
    private final Tensor a;
    private final Tensor b;

    public Add(Tensor a, Tensor b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public Tensor forward() {
        Shape.broadcast(name(), a.shape(), b.shape());
        return Tensor.sameBackend(name(), a, b).binary(BinaryOp.ADD, a, b);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(a, b);
    }

    @Override
    public void backward(Tensor g) {
        a.accumulateGrad(g);
        b.accumulateGrad(g);
    }
}
