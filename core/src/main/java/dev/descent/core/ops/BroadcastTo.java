package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/** y = x repeated along broadcast dimensions to a target shape.  dL/dx = g summed back to x's shape. */
public final class BroadcastTo implements Op {
    private final Tensor x;
    private final Shape target;

    public BroadcastTo(Tensor x, Shape target) {
        if (!Shape.broadcast("broadcastTo", x.shape(), target).equals(target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + x.shape() + " does not broadcast to " + target);
        }
        this.x = x;
        this.target = target;
    }

    @Override
    public Tensor forward() {
        return x.backend().broadcastTo(x, target);
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
