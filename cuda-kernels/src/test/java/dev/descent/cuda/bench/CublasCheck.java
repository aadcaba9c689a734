package dev.descent.cuda.bench;

import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.kernels.matmul.CublasMatmul;
import java.util.Locale;

/**
 * Whether cuBLAS works on this machine: one 512³ SGEMM through the backend's cuBLAS handle against the CPU
 * product. Prints {@code cuBLAS OK} and exits 0; exits 3 saying what failed when cuBLAS does not work (then
 * scripts/gpu/run.sh turns the retargeted CUDA 13 JCublas libraries off), 1 when there is no usable GPU at all.
 */
public final class CublasCheck {
    private static final int CUBLAS_FAILED = 3;
    private CublasCheck() {
    }

    public static void main(String[] args) {
        int n = 512;
        CudaBackend gpu = CudaTimer.backendOrExit("CublasCheck");
        CublasMatmul cublas;
        try {
            cublas = gpu.matmuls().cublas();
        } catch (CudaUnavailableException e) {
            System.out.println("cuBLAS FAILED: " + e.getMessage());
            System.exit(CUBLAS_FAILED);
            return;
        }
        Tensor a = Backends.cpu().randn(Shape.of(n, n), new Rng(1));
        Tensor b = Backends.cpu().randn(Shape.of(n, n), new Rng(2));
        float[] want = Backends.cpu().matmul(a, b, false, false).toArray();
        Tensor c = gpu.full(Shape.of(n, n), Float.NaN);
        cublas.gemm(false, false, n, n, n, 1, a.to(gpu), 0, b.to(gpu), 0, c, 0);
        float[] got = c.toArray();
        double worst = Compare.maxAbsError(want, got);
        boolean ok = worst <= 1e-5 * n;
        System.out.printf(Locale.ROOT, "cuBLAS %s: %d^3 SGEMM, max |error| %.3g against the CPU%n", ok ? "OK" : "FAILED",
                n, worst);
        System.exit(ok ? 0 : CUBLAS_FAILED);
    }
}
