package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/** y = s·x for a constant s.  dL/dx = s·g. */
public final class MulScalar implements Op {
    private final Tensor x;
    private final float s;

    public MulScalar(Tensor x, float s) {
        this.x = x;
        this.s = s;
    }

    @Override
    public Tensor forward() {
        return x.backend().binaryScalar(BinaryOp.MUL, x, s);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(s));
    }
}
