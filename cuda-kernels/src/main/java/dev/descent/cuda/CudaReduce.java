package dev.descent.cuda;

import dev.descent.core.ReduceOp;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/** Sum or max along one axis, on {@code reduce.cu}: block-per-row for the last axis, column tiles otherwise. */
final class CudaReduce {
    private final CudaBackend backend;
    private final CudaDevice device;

    CudaReduce(CudaBackend backend, CudaDevice device) {
        this.backend = backend;
        this.device = device;
    }

    Tensor reduce(ReduceOp op, Tensor x, int axis) {
        Shape shape = x.shape();
        int outer = shape.outerSize(axis);
        int n = shape.dim(axis);
        int inner = shape.innerSize(axis);
        Tensor out = backend.empty(shape.withDim(axis, 1));
        if (out.numel() == 0) {
            return out;
        }
        int code = op == ReduceOp.MAX ? 1 : 0;
        if (inner == 1) {
            device.launch(Kernels.REDUCE_ROWS, LaunchShape.perItem(outer, 256), code, outer, n, backend.checked(x), out);
        } else {
            int blocks = Math.toIntExact((long) outer * LaunchShape.ceilDiv(inner, 32));
            device.launch(Kernels.REDUCE_COLS, new LaunchShape(blocks, 1, 1, 32, 8, 1), code, outer, n, inner,
                    backend.checked(x), out);
        }
        return out;
    }
}
