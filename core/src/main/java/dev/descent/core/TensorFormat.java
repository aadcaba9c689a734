package dev.descent.core;

import java.util.Locale;

/**
 * Renders tensor values as nested brackets, eliding the middle of long axes as PyTorch does: rows one per line,
 * blocks of rows separated by a blank line, {@code ...} in place of the elided entries, and {@code nan},
 * {@code inf}, {@code -inf} for the non-finite values.
 */
final class TensorFormat {
    private static final int EDGE_ITEMS = 3;
    private static final int ELIDE_ABOVE = 6;
    /** Width of {@code "tensor("}: nested rows are indented past it. */
    private static final int PREFIX = 7;

    private TensorFormat() {
    }

    static String format(float[] values, Shape shape) {
        StringBuilder sb = new StringBuilder();
        append(sb, values, shape.dims(), shape.strides(), 0, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, float[] v, int[] dims, int[] strides, int axis, int offset) {
        if (axis == dims.length) {
            sb.append(number(v[offset]));
            return;
        }
        boolean innermost = axis == dims.length - 1;
        String separator = innermost ? ", "
                : "," + "\n".repeat(dims.length - axis - 1) + " ".repeat(PREFIX + axis + 1);
        sb.append('[');
        int n = dims[axis];
        boolean elide = n > ELIDE_ABOVE;
        for (int i = 0; i < n; i++) {
            if (elide && i == EDGE_ITEMS) {
                sb.append("...").append(separator);
                i = n - EDGE_ITEMS;
            }
            append(sb, v, dims, strides, axis + 1, offset + i * strides[axis]);
            if (i < n - 1) {
                sb.append(separator);
            }
        }
        sb.append(']');
    }

    private static String number(float x) {
        if (Float.isNaN(x)) {
            return "nan";
        }
        if (Float.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.4f", x);
    }
}
