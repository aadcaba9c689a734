package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * y = x[.., start:end, ..] along one axis (copied).
 * dL/dx = g placed back at [start, end) with zeros around it (a concat of zeros, g, zeros).
 */
public final class Slice implements Op {
    private final Tensor x;
    private final int axis;
    private final int start;
    private final int end;

    public Slice(Tensor x, int axis, int start, int end) {
        this.x = x;
        this.axis = x.shape().normalizeAxis(axis);
        int n = x.dim(this.axis);
        if (start < 0 || end > n || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is outside [0, " + n
                    + "] on axis " + axis + " of shape " + x.shape());
        }
        this.start = start;
        this.end = end;
    }

    @Override
    public Tensor forward() {
        return x.backend().slice(x, axis, start, end);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        List<Tensor> parts = new ArrayList<>();
        if (start > 0) {
            parts.add(g.backend().full(x.shape().withDim(axis, start), 0f));
        }
        parts.add(g);
        if (end < x.dim(axis)) {
            parts.add(g.backend().full(x.shape().withDim(axis, x.dim(axis) - end), 0f));
        }
        x.accumulateGrad(parts.size() == 1 ? g : Tensor.concat(parts, axis));
    }
}
