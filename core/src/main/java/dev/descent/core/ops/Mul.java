package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;

/** y = a·b, elementwise, broadcast.  dL/da = g·b,  dL/db = g·a. */
public final class Mul extends BroadcastBinary {
    public Mul(Tensor a, Tensor b) {
        super(a, b, BinaryOp.MUL);
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
