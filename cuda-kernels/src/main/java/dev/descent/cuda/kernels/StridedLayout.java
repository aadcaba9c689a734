package dev.descent.cuda.kernels;

import dev.descent.core.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code Strided} struct of {@code common.cuh}, built on the host: the output's dimensions and, for up to three
 * operands, the element stride of each output axis in that operand (0 along axes the operand is broadcast over).
 * A kernel finds operand k's element for output index i by unravelling i over the dimensions and taking the dot
 * product with stride[k]. Axes of size 1 are dropped and neighbouring axes that are contiguous in every operand are
 * merged first, so {@code (B, T, C) + (C)} travels as rank 2 and the rank limit of 8 is rarely met.
 *
 * <p>Layout, 33 ints: {@code rank, dims[8], stride[0][8], stride[1][8], stride[2][8]}.
 */
public final class StridedLayout {
    static final int MAX_RANK = 8;
    static final int OPERANDS = 3;
    /** Its size in 4-byte words: rank, dims[8], stride[3][8]. */
    public static final int WORDS = 1 + MAX_RANK * (1 + OPERANDS);

    private final int[] words;

    private StridedLayout(int[] words) {
        this.words = words;
    }

    /** Operands of the given shapes broadcast (NumPy rules) to {@code out}. */
    public static StridedLayout broadcast(Shape out, Shape... operands) {
        int rank = out.rank();
        int[][] strides = new int[operands.length][rank];
        for (int k = 0; k < operands.length; k++) {
            Shape in = operands[k];
            int[] inStrides = in.strides();
            int lead = rank - in.rank();
            for (int axis = lead; axis < rank; axis++) {
                strides[k][axis] = in.dim(axis - lead) == 1 ? 0 : inStrides[axis - lead];
            }
        }
        return of(out.dims(), strides, "broadcast to " + out);
    }

    /** Reading {@code in} with its axes reordered: output axis i is input axis {@code axes[i]}. */
    public static StridedLayout permute(Shape in, int[] axes) {
        int[] inStrides = in.strides();
        int[] dims = new int[axes.length];
        int[] strides = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            dims[i] = in.dim(axes[i]);
            strides[i] = inStrides[axes[i]];
        }
        return of(dims, new int[][] {strides}, "permute of " + in + " by " + Arrays.toString(axes));
    }

    private static StridedLayout of(int[] dims, int[][] strides, String what) {
        List<int[]> groups = new ArrayList<>();          // each: {dim, stride_0, .., stride_{n-1}}, innermost first
        for (int axis = dims.length - 1; axis >= 0; axis--) {
            if (dims[axis] == 1) {
                continue;
            }
            int[] g = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (g != null && contiguous(g, strides, axis)) {
                g[0] *= dims[axis];
                continue;
            }
            int[] fresh = new int[1 + strides.length];
            fresh[0] = dims[axis];
            for (int k = 0; k < strides.length; k++) {
                fresh[1 + k] = strides[k][axis];
            }
            groups.add(fresh);
        }
        if (groups.size() > MAX_RANK) {
            throw new IllegalArgumentException(what + " needs " + groups.size() + " axes after merging; the CUDA "
                    + "kernels take at most " + MAX_RANK);
        }
        int[] w = new int[WORDS];
        int rank = groups.size();
        w[0] = rank;
        for (int i = 0; i < rank; i++) {
            int[] g = groups.get(rank - 1 - i);           // outermost first, as the kernel expects
            w[1 + i] = g[0];
            for (int k = 0; k < strides.length; k++) {
                w[1 + MAX_RANK * (1 + k) + i] = g[1 + k];
            }
        }
        return new StridedLayout(w);
    }

    /** Whether {@code axis} continues group g outward: its stride is the group's stride times the group's size. */
    private static boolean contiguous(int[] g, int[][] strides, int axis) {
        for (int k = 0; k < strides.length; k++) {
            if ((long) strides[k][axis] != (long) g[1 + k] * g[0]) {
                return false;
            }
        }
        return true;
    }

    /** Writes the 33 ints as the kernel reads them into {@code out} at byte {@code offset} (no copy of the array). */
    public void writeTo(ByteBuffer out, int offset) {
        for (int i = 0; i < WORDS; i++) {
            out.putInt(offset + 4 * i, words[i]);
        }
    }

    /** The 33 ints as the kernel reads them. */
    public int[] words() {
        return words.clone();
    }

    @Override
    public String toString() {
        int rank = words[0];
        StringBuilder sb = new StringBuilder("Strided(dims ").append(Arrays.toString(Arrays.copyOfRange(words, 1, 1 + rank)));
        for (int k = 0; k < OPERANDS; k++) {
            int from = 1 + MAX_RANK * (1 + k);
            sb.append(", stride").append(k).append(' ').append(Arrays.toString(Arrays.copyOfRange(words, from, from + rank)));
        }
        return sb.append(')').toString();
    }
}
