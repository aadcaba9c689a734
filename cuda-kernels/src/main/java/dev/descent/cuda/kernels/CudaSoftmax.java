package dev.descent.cuda.kernels;

import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;

/** Softmax and log-softmax over the last axis and their backward, on {@code softmax.cu}. */
public final class CudaSoftmax {
    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaSoftmax(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    public Tensor forward(SoftmaxVersion version, Tensor x, boolean log) {
        Tensor out = tensors.empty(x.shape());
        int c = x.dim(-1);
        int rows = Rows.count(x);
        if (rows > 0 && c > 0) {
            stream.launch(version.kernel(), version.shape(rows), rows, c, log ? 1 : 0, tensors.checked(x), out);
        }
        return out;
    }

    public Tensor backward(Tensor y, Tensor g, boolean log) {
        Tensor dx = tensors.empty(y.shape());
        int c = y.dim(-1);
        int rows = Rows.count(y);
        if (rows > 0 && c > 0) {
            stream.launch(Kernels.SOFTMAX_BACKWARD, LaunchShape.perItem(rows, 256), rows, c, log ? 1 : 0,
                    tensors.checked(y), tensors.checked(g), dx);
        }
        return dx;
    }
}
