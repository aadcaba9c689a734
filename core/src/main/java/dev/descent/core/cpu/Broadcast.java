package dev.descent.core.cpu;

import dev.descent.core.Shape;

/**
 * Walks an output shape row by row (a row = the last axis) and finds where each broadcast input's row starts.
 * An input's aligned stride is 0 along the axes it is broadcast over, so the same element is re-read.
 */
final class Broadcast {
    final int rowLength;
    final int rows;
    private final int[] outDims;

    Broadcast(Shape out) {
        this.outDims = out.dims();
        this.rowLength = out.rank() == 0 ? 1 : out.dim(-1);
        this.rows = rowLength == 0 ? 0 : out.numel() / rowLength;
    }

    /** Strides of {@code in} aligned to the output's rank, 0 on broadcast axes. */
    int[] alignedStrides(Shape in) {
        int[] strides = new int[outDims.length];
        int[] inStrides = in.strides();
        int lead = outDims.length - in.rank();
        for (int axis = lead; axis < outDims.length; axis++) {
            strides[axis] = in.dim(axis - lead) == 1 ? 0 : inStrides[axis - lead];
        }
        return strides;
    }

    /** Stride of an input along the last axis (0 when broadcast, 1 otherwise). */
    int innerStride(int[] aligned) {
        return aligned.length == 0 ? 0 : aligned[aligned.length - 1];
    }

    /** Offset of the first element of output row {@code row} in an input with the given aligned strides. */
    int rowOffset(int row, int[] aligned) {
        int offset = 0;
        for (int axis = outDims.length - 2; axis >= 0; axis--) {
            int size = outDims[axis];
            offset += (row % size) * aligned[axis];
            row /= size;
        }
        return offset;
    }
}
