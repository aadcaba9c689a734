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
 * Batched matmul on the hand-written kernels or cuBLAS. v7 and cuBLAS read transposed operands in place; v1 to v6
 * multiply row-major (M, K)·(K, N), so a transposed operand is first copied into that layout with the tiled
 * transpose kernel (a (B·T, V) scratch at the classifier's backward). A B shared by every batch matrix turns the
 * batch into one tall (batch·M, K)·(K, N) product where A is not transposed.
 */
public final class CudaMatmul {
    private final CudaTensors tensors;
    private final KernelStream stream;
    private final CudaLayout layout;
    private final Supplier<CublasMatmul> cublasFactory;
    private final int multiprocessors;
    private CublasMatmul cublas;

    /**
     * Products on {@code stream} for a GPU of {@code multiprocessors} (v7 picks its tiles by it); {@code cublasFactory}
     * makes the cuBLAS handle when the CUBLAS engine is first used.
     */
    public CudaMatmul(CudaTensors tensors, KernelStream stream, CudaLayout layout, int multiprocessors,
                      Supplier<CublasMatmul> cublasFactory) {
        this.tensors = tensors;
        this.stream = stream;
        this.layout = layout;
        this.multiprocessors = multiprocessors;
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
        if (engine == MatmulEngine.V7_WARP_TILED) {
            if (sharedB && !transA) {
                multiply(MatmulV7Tile.choose(batch * m, n, 1, multiprocessors), batch * m, n, k, 1, a, b, out, 0, 0, 0,
                        false, transB);
            } else {
                multiply(MatmulV7Tile.choose(m, n, batch, multiprocessors), m, n, k, batch, a, b, out, m * k,
                        sharedB ? 0 : k * n, m * n, transA, transB);
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

    /**
     * One launch of v7 with the given tiles: C[z] = op(A[z])·op(B[z]) for z &lt; batch, the transposed operands read
     * in place (A stored (K, M) when transA, B stored (N, K) when transB).
     */
    public void multiply(MatmulV7Tile tile, int m, int n, int k, int batch, Object a, Object b, Object c, int strideA,
                         int strideB, int strideC, boolean transA, boolean transB) {
        stream.launch(tile.kernel(), tile.shape(m, n, batch), m, n, k, a, b, c, strideA, strideB, strideC,
                transA ? 1 : 0, transB ? 1 : 0);
    }

    public synchronized void close() {
        if (cublas != null) {
            cublas.close();
            cublas = null;
        }
    }
}
