package dev.descent.cuda.kernels;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.Arrays;

/** A tensor seen as rows of its last axis, as the row-wise kernels (softmax, layer norm) see it. */
final class Rows {
    private Rows() {
    }

    /** The number of rows: every element but those of the last axis; 0 when the last axis is empty. */
    static int count(Tensor x) {
        return x.dim(-1) == 0 ? 0 : x.numel() / x.dim(-1);
    }

    /** The shape of one value per row: x's shape without its last axis. */
    static Shape shape(Tensor x) {
        return Shape.of(Arrays.copyOf(x.shape().dims(), x.rank() - 1));
    }
}
