package dev.descent.cuda.kernels.matmul;

import dev.descent.core.profile.Profiler;
import dev.descent.core.profile.Span;
import dev.descent.cuda.CudaCallException;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.NativeLibraries;
import dev.descent.cuda.driver.CudaDevice;
import dev.descent.cuda.driver.DriverMemory;
import dev.descent.cuda.memory.CudaTensors;
import java.util.List;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * cuBLAS SGEMM through JCublas: the yardstick for the hand-written kernels and an optional fast path. Default math
 * mode, so no TF32: plain fp32 like the kernels. cuBLAS is column-major and our matrices are row-major; a row-major
 * (r, c) matrix is the column-major (c, r) matrix of its transpose, so C = op(A)·op(B) is computed as
 * Cᵀ = op(B)ᵀ·op(A)ᵀ by passing B first and swapping M and N.
 */
public final class CublasMatmul {
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    private final CudaDevice device;
    private final cublasHandle handle;

    private CublasMatmul(CudaDevice device, cublasHandle handle) {
        this.device = device;
        this.handle = handle;
    }

    /** A handle on the device's stream; {@link CudaUnavailableException} saying why when libcublas.so.12 is missing. */
    public static CublasMatmul create(CudaDevice device) {
        try {
            device.bind();
            JCublas2.setExceptionsEnabled(false);
            cublasHandle handle = new cublasHandle();
            check(JCublas2.cublasCreate(handle), "cublasCreate");
            check(JCublas2.cublasSetStream(handle, new cudaStream_t(device.stream())), "cublasSetStream");
            check(JCublas2.cublasSetMathMode(handle, cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            return new CublasMatmul(device, handle);
        } catch (LinkageError e) {
            throw new CudaUnavailableException("cuBLAS is not usable: " + NativeLibraries.why(e) + " (JCublas 12.6 needs "
                    + NativeLibraries.CUBLAS + " from a CUDA 12.x install, e.g. the libcublas-12-x package)", e);
        }
    }

    private static void check(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaUnavailableException(call + " failed: " + cublasStatus.stringFor(status));
        }
    }

    /**
     * C[z] = op(A[z])·op(B[z]) for z &lt; batch, row-major; A is (M, K) or, with transA, (K, M); B is (K, N) or, with
     * transB, (N, K); strides are in elements (strideB 0 shares B).
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, int batch, Object a, long strideA, Object b,
              long strideB, Object c, long strideC) {
        device.bind();
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int status;
        try (Span kernel = Profiler.kernel("cublasSgemmStridedBatched", List.of(), device.clock())) {
            status = JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, ONE,
                    DriverMemory.pointer(CudaTensors.address(b)), ldb, strideB,
                    DriverMemory.pointer(CudaTensors.address(a)), lda, strideA, ZERO,
                    DriverMemory.pointer(CudaTensors.address(c)), n, strideC, batch);
        }
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaCallException("cublasSgemmStridedBatched (M " + m + ", N " + n + ", K " + k + ", batch "
                    + batch + ", transA " + transA + ", transB " + transB + ") failed: " + cublasStatus.stringFor(status));
        }
    }

    public void close() {
        JCublas2.cublasDestroy(handle);
    }
}
