package dev.descent.core.ops;

import dev.descent.core.BinaryOp;
import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * Inverted dropout with a fixed mask: y = x ⊙ m, where m holds 0 (dropped) or 1/(1−p) (kept), so E[y] = x.
 * dL/dx = g ⊙ m: the same units are dropped on the way back.
 */
public final class Dropout implements Op {
    private final Tensor x;
    private final Tensor scaledMask;

    public Dropout(Tensor x, Tensor scaledMask) {
        if (!x.shape().equals(scaledMask.shape())) {
            throw new IllegalArgumentException("dropout: mask " + scaledMask.shape() + " for input " + x.shape());
        }
        this.x = x;
        this.scaledMask = scaledMask;
    }

    @Override
    public Tensor forward() {
        return x.backend().binary(BinaryOp.MUL, x, scaledMask);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(scaledMask));
    }
}
