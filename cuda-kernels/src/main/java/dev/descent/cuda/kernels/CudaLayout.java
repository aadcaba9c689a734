package dev.descent.cuda.kernels;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import java.util.List;

/** broadcastTo, permute, slice, concat and batched transposes, on {@code layout.cu}. */
public final class CudaLayout {
    private static final int THREADS = 256;
    private static final int TILE = 32;
    private static final int TILE_ROWS = 8;

    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaLayout(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    public Tensor broadcastTo(Tensor x, Shape shape) {
        Tensor out = tensors.empty(shape);
        int n = shape.numel();
        if (n > 0) {
            stream.launch(Kernels.GATHER, LaunchShape.strided(n, THREADS), n, StridedLayout.broadcast(shape, x.shape()),
                    tensors.checked(x), out);
        }
        return out;
    }

    /** A swap of the last two axes goes through the tiled transpose (coalesced both ways); any other order is a gather. */
    public Tensor permute(Tensor x, int[] axes) {
        Shape in = x.shape();
        int[] dims = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            dims[i] = in.dim(axes[i]);
        }
        Tensor out = tensors.empty(Shape.of(dims));
        int n = x.numel();
        if (n == 0) {
            return out;
        }
        if (swapsLastTwo(axes) && in.outerSize(-2) <= 65_535) {
            transpose(tensors.checked(x), out, in.outerSize(-2), in.dim(-2), in.dim(-1));
        } else {
            stream.launch(Kernels.GATHER, LaunchShape.strided(n, THREADS), n, StridedLayout.permute(in, axes),
                    tensors.checked(x), out);
        }
        return out;
    }

    private static boolean swapsLastTwo(int[] axes) {
        int rank = axes.length;
        if (rank < 2 || axes[rank - 2] != rank - 1 || axes[rank - 1] != rank - 2) {
            return false;
        }
        for (int i = 0; i < rank - 2; i++) {
            if (axes[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** out[z] = x[z]ᵀ for {@code batch} row-major rows×cols matrices ({@code x}, {@code out}: buffer or tensor). */
    public void transpose(Object x, Object out, int batch, int rows, int cols) {
        LaunchShape shape = new LaunchShape(LaunchShape.ceilDiv(cols, TILE), LaunchShape.ceilDiv(rows, TILE), batch,
                TILE, TILE_ROWS, 1);
        stream.launch(Kernels.TRANSPOSE, shape, rows, cols, x, out);
    }

    public Tensor slice(Tensor x, int axis, int start, int end) {
        Shape shape = x.shape();
        int outer = shape.outerSize(axis);
        int inner = shape.innerSize(axis);
        int len = (end - start) * inner;
        Tensor out = tensors.empty(shape.withDim(axis, end - start));
        copyRows(tensors.checked(x), out, outer, len, shape.dim(axis) * inner, start * inner, len, 0);
        return out;
    }

    public Tensor concat(List<Tensor> xs, int axis) {
        Shape first = xs.get(0).shape();
        int outer = first.outerSize(axis);
        int inner = first.innerSize(axis);
        int total = xs.stream().mapToInt(t -> t.dim(axis)).sum();
        Tensor out = tensors.empty(first.withDim(axis, total));
        int offset = 0;
        for (Tensor t : xs) {
            int len = t.dim(axis) * inner;
            copyRows(tensors.checked(t), out, outer, len, len, 0, total * inner, offset);
            offset += len;
        }
        return out;
    }

    /** dst[r·dstStride + dstOffset + j] = src[r·srcStride + srcOffset + j] for r &lt; rows, j &lt; len. */
    private void copyRows(Tensor src, Tensor dst, int rows, int len, int srcStride, int srcOffset, int dstStride,
                          int dstOffset) {
        long n = (long) rows * len;
        if (n > 0) {
            stream.launch(Kernels.COPY_ROWS, LaunchShape.strided(n, THREADS), rows, len, srcStride, srcOffset, dstStride,
                    dstOffset, src, dst);
        }
    }
}
