package dev.descent.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ops that move elements without changing them: reshape (a view), permute, slice, concat and broadcastTo
 * (copies). Each backward puts the gradient back where its elements came from.
 */
final class Layout {
    private Layout() {
    }

    /** y = x viewed as another shape of the same size (no copy: the storage is shared).  dL/dx = g reshaped back. */
    static Tensor reshape(Tensor x, int[] dims) {
        Shape target = inferReshape(x.shape(), dims);
        return Autograd.record(Op.of("reshape", List.of(x), () -> x.view(target),
                (g, y) -> x.accumulateGrad(g.reshape(x.shape().dims()))));
    }

    /** {@code dims} with a single −1 replaced by the size that makes the element counts match; the error says why not. */
    private static Shape inferReshape(Shape from, int[] dims) {
        int[] d = dims.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(dims));
                }
                unknown = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException("reshape: dimension " + d[i] + " in " + Arrays.toString(dims)
                        + " is negative (only -1, inferred, is allowed)");
            } else {
                known *= d[i];
            }
        }
        long n = from.numel();
        if (unknown >= 0) {
            if (known == 0) {
                throw new IllegalArgumentException("reshape: cannot view shape " + from + " as " + Arrays.toString(dims)
                        + ": the other dimensions multiply to 0, so -1 could be any size");
            }
            if (n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view shape " + from + " as " + Arrays.toString(dims)
                        + ": " + n + " is not divisible by " + known + " (the product of the other dimensions)");
            }
            d[unknown] = Math.toIntExact(n / known);
        }
        Shape to = Shape.of(d);
        if (to.numel() != n) {
            throw new IllegalArgumentException("reshape: cannot view shape " + from + " (" + n + " elements) as "
                    + Arrays.toString(dims) + " (" + to.numel() + " elements)");
        }
        return to;
    }

    /** y = x with its axes reordered (output axis i is input axis p[i]); copies.  dL/dx = g permuted by p⁻¹. */
    static Tensor permute(Tensor x, int[] axes) {
        int[] p = permutation(x.shape(), axes);
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inverse[p[i]] = i;
        }
        return Autograd.record(Op.of("permute", List.of(x), () -> x.backend().permute(x, p),
                (g, y) -> x.accumulateGrad(g.permute(inverse))));
    }

    /** The axes normalised, each of {@code 0..rank-1} once, or an error naming the repeated or missing axis. */
    private static int[] permutation(Shape shape, int[] axes) {
        if (axes.length != shape.rank()) {
            throw new IllegalArgumentException("permute: " + axes.length + " axes given for shape " + shape);
        }
        int[] p = new int[axes.length];
        boolean[] used = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            p[i] = shape.normalizeAxis(axes[i]);
            if (used[p[i]]) {
                throw new IllegalArgumentException("permute: axis " + axes[i] + " repeated for shape " + shape);
            }
            used[p[i]] = true;
        }
        return p;
    }

    /**
     * y = x[.., start:end, ..] along one axis (copied).
     * dL/dx = g placed back at [start, end) with zeros around it (a concat of zeros, g, zeros).
     */
    static Tensor slice(Tensor x, int axis, int start, int end) {
        int a = x.shape().normalizeAxis(axis);
        int n = x.dim(a);
        if (start < 0 || end > n || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is outside [0, " + n
                    + "] on axis " + axis + " of shape " + x.shape());
        }
        return Autograd.record(Op.of("slice", List.of(x), () -> x.backend().slice(x, a, start, end), (g, y) -> {
            List<Tensor> parts = new ArrayList<>();
            if (start > 0) {
                parts.add(g.backend().full(x.shape().withDim(a, start), 0f));
            }
            parts.add(g);
            if (end < n) {
                parts.add(g.backend().full(x.shape().withDim(a, n - end), 0f));
            }
            x.accumulateGrad(parts.size() == 1 ? g : Tensor.concat(parts, a));
        }));
    }

    /** y = [x₀, x₁, ..] joined along one axis.  dL/dxᵢ = g[.., offsetᵢ : offsetᵢ + sizeᵢ, ..]. */
    static Tensor concat(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        List<Tensor> xs = List.copyOf(tensors);
        Tensor first = xs.get(0);
        int a = first.shape().normalizeAxis(axis);
        for (Tensor t : xs) {
            Tensor.sameBackend("concat", first, t);
            if (t.rank() != first.rank() || !t.shape().withDim(a, 0).equals(first.shape().withDim(a, 0))) {
                throw new IllegalArgumentException("concat: shapes " + first.shape() + " and " + t.shape()
                        + " differ outside axis " + axis);
            }
        }
        return Autograd.record(Op.of("concat", xs, () -> first.backend().concat(xs, a), (g, y) -> {
            int offset = 0;
            for (Tensor x : xs) {
                int size = x.dim(a);
                if (x.requiresGrad()) {
                    x.accumulateGrad(g.slice(a, offset, offset + size));
                }
                offset += size;
            }
        }));
    }

    /** y = x repeated along broadcast dimensions to a target shape.  dL/dx = g summed back to x's shape. */
    static Tensor broadcastTo(Tensor x, Shape target) {
        if (!Shape.broadcast("broadcastTo", x.shape(), target).equals(target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + x.shape() + " does not broadcast to " + target);
        }
        return Autograd.record(Op.of("broadcastTo", List.of(x), () -> x.backend().broadcastTo(x, target),
                (g, y) -> x.accumulateGrad(g)));
    }
}
