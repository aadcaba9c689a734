package dev.descent.core;

import java.util.Locale;

/** Renders tensor values as nested brackets, eliding the middle of long axes as PyTorch does. */
final class TensorFormat {
    private static final int EDGE_ITEMS = 3;
    private static final int ELIDE_ABOVE = 6;

    private TensorFormat() {
    }

    static String format(float[] values, Shape shape) {
        StringBuilder sb = new StringBuilder();
        append(sb, values, shape.dims(), shape.strides(), 0, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, float[] v, int[] dims, int[] strides, int axis, int offset) {
        if (axis == dims.length) {
            sb.append(String.format(Locale.ROOT, "%.4f", v[offset]));
            return;
        }
        sb.append('[');
        int n = dims[axis];
        boolean elide = n > ELIDE_ABOVE;
        for (int i = 0; i < n; i++) {
            if (elide && i == EDGE_ITEMS) {
                sb.append("..., ");
                i = n - EDGE_ITEMS;
            }
            append(sb, v, dims, strides, axis + 1, offset + i * strides[axis]);
            if (i < n - 1) {
                sb.append(axis == dims.length - 1 ? ", " : ",\n" + " ".repeat(8 + axis));
            }
        }
        sb.append(']');
    }
}
