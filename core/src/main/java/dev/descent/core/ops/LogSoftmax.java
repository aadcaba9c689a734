package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * y = log softmax(x) over the last axis: yᵢ = xᵢ − m − log Σⱼ e^(xⱼ−m), m = maxⱼ xⱼ.
 * dL/dx = g − e^y · Σⱼ gⱼ.
 */
public final class LogSoftmax implements Op {
    private final Tensor x;
    private Tensor y;

    public LogSoftmax(Tensor x) {
        this.x = x;
    }

    @Override
    public Tensor forward() {
        y = x.backend().softmax(x, true);
        return y;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.backend().softmaxBackward(y, g, true));
    }

    @Override
    public String name() {
        return "logSoftmax";
    }
}
