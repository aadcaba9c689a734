package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import java.util.List;

/** y = x with its axes reordered (output axis i is input axis p[i]); copies.  dL/dx = g permuted by p⁻¹. */
public final class Permute implements Op {
    private final Tensor x;
    private final int[] axes;

    public Permute(Tensor x, int[] axes) {
        this.x = x;
        this.axes = normalize(x, axes);
    }

    private static int[] normalize(Tensor x, int[] axes) {
        if (axes.length != x.rank()) {
            throw new IllegalArgumentException("permute: " + axes.length + " axes given for shape " + x.shape());
        }
        int[] out = new int[axes.length];
        boolean[] used = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = x.shape().normalizeAxis(axes[i]);
            if (used[out[i]]) {
                throw new IllegalArgumentException("permute: axis " + axes[i] + " repeated for shape " + x.shape());
            }
            used[out[i]] = true;
        }
        return out;
    }

    @Override
    public Tensor forward() {
        return x.backend().permute(x, axes);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            inverse[axes[i]] = i;
        }
        x.accumulateGrad(g.permute(inverse));
    }
}
