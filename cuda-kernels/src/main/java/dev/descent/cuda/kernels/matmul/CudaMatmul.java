package dev.descent.cuda.kernels.matmul;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.kernels.CudaLayout;
import dev.descent.cuda.kernels.KernelStream;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Batched matmul on the hand-written kernels or cuBLAS. The kernels multiply row-major (M, K)·(K, N); a transposed
 * operand is first copied into that layout with the tiled transpose kernel (a small cost next to the product), and a
 * B shared by every batch matrix turns the batch into one tall (batch·M, K)·(K, N) product.
 */
public final class CudaMatmul {
    private final CudaTensors tensors;
    private final KernelStream stream;
    private final CudaLayout layout;
    private final Supplier<CublasMatmul> cublasFactory;
    private CublasMatmul cublas;

    /** Products on {@code stream}; {@code cublasFactory} makes the cuBLAS handle when the CUBLAS engine is first used. */
    public CudaMatmul(CudaTensors tensors, KernelStream stream, CudaLayout layout,
                      Supplier<CublasMatmul> cublasFactory) {
        this.tensors = tensors;
        this.stream = stream;
        this.layout = layout;
        this.cublasFactory = cublasFactory;
    }

    /** cuBLAS on this device, created on first use; {@link CudaUnavailableException} when libcublas.so.12 is missing. */
    public synchronized CublasMatmul cublas() {
        if (cublas == null) {
            cublas = cublasFactory.get();
        }
        return cublas;
    }

    public Tensor matmul(MatmulEngine engine, Tensor a, Tensor b, boolean transA, boolean transB) {
        int m = transA ? a.dim(-1) : a.dim(-2);
        int k = transA ? a.dim(-2) : a.dim(-1);
        int n = transB ? b.dim(-2) : b.dim(-1);
        int batch = a.shape().outerSize(-2);
        int[] dims = a.shape().dims();
        dims[dims.length - 2] = m;
        dims[dims.length - 1] = n;
        Shape shape = Shape.of(dims);
        Tensor out = tensors.empty(shape);
        if (out.numel() == 0) {
            return out;
        }
        if (k == 0) {
            stream.fillWords(CudaTensors.bufferOf(out), 0, out.numel());      // an empty sum: +0.0f is all zero bits
            return out;
        }
        boolean sharedB = b.rank() == 2;
        tensors.checked(a);
        tensors.checked(b);
        if (engine == MatmulEngine.CUBLAS) {
            if (sharedB && !transA) {
                cublas().gemm(false, transB, batch * m, n, k, 1, a, 0, b, 0, out, 0);
            } else {
                cublas().gemm(transA, transB, m, n, k, batch, a, (long) m * k, b, sharedB ? 0 : (long) k * n, out,
                        (long) m * n);
            }
            return out;
        }
        List<DeviceBuffer> temporaries = new ArrayList<>();
        try {
            Object left = transA ? transposed(a, batch, k, m, temporaries) : a;
            Object right = transB ? transposed(b, sharedB ? 1 : batch, n, k, temporaries) : b;
            MatmulConfig config = MatmulConfig.defaults(engine);
            if (sharedB) {
                multiply(config, batch * m, n, k, 1, left, right, out, 0, 0, 0);
            } else {
                multiply(config, m, n, k, batch, left, right, out, m * k, k * n, m * n);
            }
        } finally {
            temporaries.forEach(DeviceBuffer::release);
        }
        return out;
    }

    /** A temporary holding the {@code batch} transposes of x's rows×cols matrices. */
    private DeviceBuffer transposed(Tensor x, int batch, int rows, int cols, List<DeviceBuffer> temporaries) {
        DeviceBuffer t = tensors.scratch(4L * batch * rows * cols);
        temporaries.add(t);
        layout.transpose(x, t, batch, rows, cols);
        return t;
    }

    /** One launch of a hand-written version: C[z] = A[z]·B[z] for z &lt; batch, operands as buffers or tensors. */
    public void multiply(MatmulConfig config, int m, int n, int k, int batch, Object a, Object b, Object c, int strideA,
                  int strideB, int strideC) {
        stream.launch(config.version().kernel(), config.moduleDefines(), config.shape(m, n, batch), m, n, k, a, b, c, strideA,
                strideB, strideC);
    }

    public synchronized void close() {
        if (cublas != null) {
            cublas.close();
            cublas = null;
        }
    }
}
