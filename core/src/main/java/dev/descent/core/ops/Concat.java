package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/** y = [x₀, x₁, ..] joined along one axis.  dL/dxᵢ = g[.., offsetᵢ : offsetᵢ + sizeᵢ, ..]. */
public final class Concat implements Op {
    private final List<Tensor> xs;
    private final int axis;

    public Concat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        this.xs = List.copyOf(xs);
        Tensor first = xs.get(0);
        this.axis = first.shape().normalizeAxis(axis);
        for (Tensor t : xs) {
            Tensor.sameBackend(name(), first, t);
            if (t.rank() != first.rank() || !t.shape().withDim(this.axis, 0).equals(first.shape().withDim(this.axis, 0))) {
                throw new IllegalArgumentException("concat: shapes " + first.shape() + " and " + t.shape()
                        + " differ outside axis " + axis);
            }
        }
    }

    @Override
    public Tensor forward() {
        return xs.get(0).backend().concat(xs, axis);
    }

    @Override
    public List<Tensor> inputs() {
        return xs;
    }

    @Override
    public void backward(Tensor g) {
        int offset = 0;
        for (Tensor x : xs) {
            int size = x.dim(axis);
            if (x.requiresGrad()) {
                x.accumulateGrad(g.slice(axis, offset, offset + size));
            }
            offset += size;
        }
    }
}
