package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/** y = x viewed as another shape of the same size (no copy: the storage is shared).  dL/dx = g reshaped back. */
public final class Reshape implements Op {
    private final Tensor x;
    private final Shape target;

    public Reshape(Tensor x, int[] dims) {
        this.x = x;
        this.target = infer(x.shape(), dims);
    }

    /** Replaces a single −1 by the size that makes the element counts match. */
    private static Shape infer(Shape from, int[] dims) {
        int[] d = dims.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + java.util.Arrays.toString(dims));
                }
                unknown = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException("reshape: dimension " + d[i] + " in "
                        + java.util.Arrays.toString(dims) + " is negative (only -1, inferred, is allowed)");
            } else {
                known *= d[i];
            }
        }
        if (unknown >= 0 && known != 0 && from.numel() % known == 0) {
            d[unknown] = (int) (from.numel() / known);
        }
        Shape to = Shape.of(d);
        if (to.numel() != from.numel() || (unknown >= 0 && known == 0)) {
            throw new IllegalArgumentException("reshape: cannot view shape " + from + " (" + from.numel()
                    + " elements) as " + java.util.Arrays.toString(dims));
        }
        return to;
    }

    @Override
    public Tensor forward() {
        return Tensor.wrap(x.storage(), target);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.reshape(x.shape().dims()));
    }
}
