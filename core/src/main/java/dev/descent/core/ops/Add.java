package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;

/** y = a + b, broadcast.  dL/da = g,  dL/db = g  (each summed back to its input's shape). */
public final class Add extends BroadcastBinary {
    public Add(Tensor a, Tensor b) {
        super(a, b, BinaryOp.ADD);
    }

    @Override
    public void backward(Tensor g) {
        a.accumulateGrad(g);
        b.accumulateGrad(g);
    }
}
