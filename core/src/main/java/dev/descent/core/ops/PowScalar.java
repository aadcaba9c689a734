package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/** y = x^p for a constant exponent p.  dL/dx = g·p·x^(p−1). */
public final class PowScalar implements Op {
    private final Tensor x;
    private final float p;

    public PowScalar(Tensor x, float p) {
        this.x = x;
        this.p = p;
    }

    @Override
    public Tensor forward() {
        return x.backend().binaryScalar(BinaryOp.POW, x, p);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(x.pow(p - 1)).mul(p));
    }
}
