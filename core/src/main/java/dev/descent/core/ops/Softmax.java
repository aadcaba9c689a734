package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * y = softmax(x) over the last axis: yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m), m = maxⱼ xⱼ (the max keeps e^ from overflowing).
 * dL/dx = y ⊙ (g − Σⱼ gⱼyⱼ).
 */
public final class Softmax implements Op {
    private final Tensor x;
    private Tensor y;

    public Softmax(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().softmax(x, false);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.backend().softmaxBackward(y, g, false));
    }
}
