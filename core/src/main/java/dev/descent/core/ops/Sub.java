package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;

/** y = a − b, broadcast.  dL/da = g,  dL/db = −g. */
public final class Sub extends BroadcastBinary {
    public Sub(Tensor a, Tensor b) {
        super(a, b, BinaryOp.SUB);
    }

    @Override
    public void backward(Tensor g) {
        a.accumulateGrad(g);
        if (b.requiresGrad()) {
            b.accumulateGrad(g.neg());
        }
    }
}
