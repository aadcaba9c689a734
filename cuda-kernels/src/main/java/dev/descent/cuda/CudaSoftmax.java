package dev.descent.cuda;

import dev.descent.core.Tensor;

/** Softmax and log-softmax over the last axis and their backward, on {@code softmax.cu}. */
final class CudaSoftmax {
    private final CudaBackend backend;
    private final CudaDevice device;

    CudaSoftmax(CudaBackend backend, CudaDevice device) {
        this.backend = backend;
        this.device = device;
    }

    Tensor forward(SoftmaxVersion version, Tensor x, boolean log) {
        Tensor out = backend.empty(x.shape());
        int c = x.dim(-1);
        int rows = CudaBackend.rows(x);
        if (rows > 0 && c > 0) {
            device.launch(version.kernel(), version.shape(rows), rows, c, log ? 1 : 0, backend.checked(x), out);
        }
        return out;
    }

    Tensor backward(Tensor y, Tensor g, boolean log) {
        Tensor dx = backend.empty(y.shape());
        int c = y.dim(-1);
        int rows = CudaBackend.rows(y);
        if (rows > 0 && c > 0) {
            device.launch(Kernels.SOFTMAX_BACKWARD, LaunchShape.perItem(rows, 256), rows, c, log ? 1 : 0,
                    backend.checked(y), backend.checked(g), dx);
        }
        return dx;
    }
}
