package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;

/** y = a / b, elementwise, broadcast.  dL/da = g / b,  dL/db = −g·a / b². */
public final class Div extends BroadcastBinary {
    public Div(Tensor a, Tensor b) {
        super(a, b, BinaryOp.DIV);
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
