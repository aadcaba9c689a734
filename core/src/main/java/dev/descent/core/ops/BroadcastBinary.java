package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * The shared forward of the elementwise ops of two broadcast operands (add, sub, mul, div): check that the
 * shapes broadcast and the tensors share a backend, then run the backend's {@link BinaryOp}. Each subclass
 * states its own backward.
 */
abstract class BroadcastBinary implements Op {
    protected final Tensor a;
    protected final Tensor b;
    private final BinaryOp op;

    BroadcastBinary(Tensor a, Tensor b, BinaryOp op) {
        this.a = a;
        this.b = b;
        this.op = op;
    }

    @Override
    public final Tensor forward() {
        Shape.broadcast(name(), a.shape(), b.shape());
        return Tensor.sameBackend(name(), a, b).binary(op, a, b);
    }

    @Override
    public final List<Tensor> inputs() {
        return List.of(a, b);
    }
}
