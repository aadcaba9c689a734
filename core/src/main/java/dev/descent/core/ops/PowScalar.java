package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/** y = x^p for a constant exponent p.  dL/dx = g·p·x^(p−1), and 0 for p = 0 (also at x = 0, where x^(−1) is ∞). */
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
        if (p == 0) {
            x.accumulateGrad(g.mul(0f));
            return;
        }
        x.accumulateGrad(g.mul(x.pow(p - 1)).mul(p));
    }
}
