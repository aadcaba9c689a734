package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/** y = x + s for a constant s.  dL/dx = g. */
public final class AddScalar implements Op {
    private final Tensor x;
    private final float s;

    public AddScalar(Tensor x, float s) {
        this.x = x;
        this.s = s;
    }

    @Override
    public Tensor forward() {
        return x.backend().binaryScalar(BinaryOp.ADD, x, s);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g);
    }
}
