package dev.descent.core;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The dimensions of a row-major, contiguous tensor, e.g. {@code (B, T, C)}. Immutable.
 *
 * <p>A shape of rank 0, written {@code ()}, holds one element: a scalar.
 */
public final class Shape {
    private final int[] dims;
    private final int numel;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in shape " + Arrays.toString(dims));
            }
            // n ≤ 2^31 − 1 before each product, so n·d < 2^62 cannot overflow a long
            n = Math.min(n * d, Integer.MAX_VALUE + 1L);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + format(dims) + " has " + exactCount(dims)
                    + " elements, more than a tensor holds (" + Integer.MAX_VALUE + ", the size of a float[])");
        }
        this.dims = dims;
        this.numel = (int) n;
    }

    private static BigInteger exactCount(int[] dims) {
        BigInteger n = BigInteger.ONE;
        for (int d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n;
    }

    /** A shape with the given dimensions; {@code Shape.of()} is the scalar shape. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public static Shape scalar() {
        return new Shape(new int[0]);
    }

    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code axis}; negative axes count from the end ({@code -1} is the last). */
    public int dim(int axis) {
        return dims[normalizeAxis(axis)];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar); a shape is refused if it exceeds an int. */
    public int numel() {
        return numel;
    }

    /** Row-major strides in elements: the last dimension has stride 1. */
    public int[] strides() {
        int[] strides = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    /** Turns a possibly negative axis into an index in {@code [0, rank)}, or names the bad axis. */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return a;
    }

    /** Normalises each axis as {@link #normalizeAxis} does and refuses one given twice, naming the op. */
    public int[] normalizeAxes(String op, int... axes) {
        int[] out = new int[axes.length];
        boolean[] used = new boolean[dims.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = normalizeAxis(axes[i]);
            if (used[out[i]]) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " appears twice in "
                        + Arrays.toString(axes) + " for shape " + this);
            }
            used[out[i]] = true;
        }
        return out;
    }

    /** This shape with dimension {@code axis} replaced by {@code size}. */
    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[normalizeAxis(axis)] = size;
        return new Shape(d);
    }

    /** Product of the dimensions before {@code axis}. */
    public int outerSize(int axis) {
        int n = 1;
        for (int i = 0; i < normalizeAxis(axis); i++) {
            n *= dims[i];
        }
        return n;
    }

    /** Product of the dimensions after {@code axis}. */
    public int innerSize(int axis) {
        int n = 1;
        for (int i = normalizeAxis(axis) + 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /**
     * The NumPy broadcast of two shapes: align from the right; each pair of dimensions must be equal or one of
     * them 1. The error names the op and both shapes.
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code (2, 3)}; a scalar prints as {@code ()}; rank 1 as {@code (5)}. */
    @Override
    public String toString() {
        return format(dims);
    }

    private static String format(int[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
