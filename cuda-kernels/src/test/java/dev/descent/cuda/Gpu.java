package dev.descent.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import dev.descent.cuda.driver.KernelModules;
import dev.descent.cuda.kernels.matmul.CublasMatmul;
import org.junit.jupiter.api.Assumptions;

/**
 * The CUDA backend shared by the GPU tests (created once, with a synchronise after every launch so a failing kernel
 * is named). Every kernel module the suite uses is built first, missing PTX compiled in parallel, then loaded, so
 * no test waits for a compiler; with {@code DESCENT_GPU_REPORT=1} what that cost is printed to stderr. Where the
 * backend cannot start, a GPU test is skipped with the reason, or fails when {@code DEVKIT_REQUIRE_GPU=1} (set on
 * GPU machines), so a GPU run can never pass by skipping.
 */
final class Gpu {
    private static CudaBackend backend;
    private static CudaBackend asynchronous;
    private static Throwable whyNot;

    private Gpu() {
    }

    static synchronized CudaBackend backend() {
        if (backend == null && whyNot == null) {
            start();
        }
        if (backend != null) {
            return backend;
        }
        String reason = "no usable CUDA GPU: " + (whyNot instanceof CudaUnavailableException ? whyNot.getMessage()
                : NativeLibraries.why(whyNot));
        if ("1".equals(System.getenv("DEVKIT_REQUIRE_GPU"))) {
            fail(reason + " (DEVKIT_REQUIRE_GPU=1: failing instead of skipping)", whyNot);
        }
        return Assumptions.abort(reason);
    }

    private static void start() {
        try {
            backend = CudaBackend.create(CudaOptions.defaults().withSyncEveryLaunch(true));
        } catch (Throwable t) {
            whyNot = t;
            return;
        }
        KernelModules modules = backend.device().modules();
        try {
            modules.builder().prebuild(Precompile.units(), Runtime.getRuntime().availableProcessors());
            modules.preload(Precompile.units());
        } catch (RuntimeException e) {
            System.err.println("GPU tests: building the kernels failed; the tests that launch them will say why: " + e);
        }
        if ("1".equals(System.getenv("DESCENT_GPU_REPORT"))) {
            System.err.println("GPU test kernels: " + modules.report());
        }
    }

    /**
     * A second backend on the same GPU without the synchronise after every launch, as training runs it: for the
     * tests of what happens between two reads of the device (deferred id errors, no waiting inside a micro-step).
     */
    static synchronized CudaBackend asynchronous() {
        backend();
        if (asynchronous == null) {
            asynchronous = CudaBackend.create(CudaOptions.defaults().withSyncEveryLaunch(false));
        }
        return asynchronous;
    }

    /** cuBLAS on the test backend, or a skip saying why (a missing libcublas.so.12 is a skip even on a GPU machine). */
    static CublasMatmul cublas() {
        CudaBackend b = backend();
        try {
            return b.matmuls().cublas();
        } catch (CudaUnavailableException e) {
            return Assumptions.abort("cuBLAS baseline skipped: " + e.getMessage());
        }
    }
}
