package dev.descent.cuda.kernels;

import dev.descent.core.ReduceOp;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;

/** Sum or max along one axis, on {@code reduce.cu}: block-per-row for the last axis, column tiles otherwise. */
public final class CudaReduce {
    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaReduce(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        Shape shape = x.shape();
        int outer = shape.outerSize(axis);
        int n = shape.dim(axis);
        int inner = shape.innerSize(axis);
        Tensor out = tensors.empty(shape.withDim(axis, 1));
        if (out.numel() == 0) {
            return out;
        }
        int code = op == ReduceOp.MAX ? 1 : 0;
        if (inner == 1) {
            stream.launch(Kernels.REDUCE_ROWS, LaunchShape.perItem(outer, 256), code, outer, n, tensors.checked(x), out);
        } else {
            int blocks = Math.toIntExact((long) outer * LaunchShape.ceilDiv(inner, 32));
            stream.launch(Kernels.REDUCE_COLS, new LaunchShape(blocks, 1, 1, 32, 8, 1), code, outer, n, inner,
                    tensors.checked(x), out);
        }
        return out;
    }
}
