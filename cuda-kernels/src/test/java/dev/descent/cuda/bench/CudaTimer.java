package dev.descent.cuda.bench;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.driver.CudaDevice;
import dev.descent.cuda.driver.CudaErrors;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * GPU time of work queued on the backend's stream, measured with CUDA events (start and stop recorded on the
 * stream, so host overhead between launches only counts where it starves the GPU). Shared by the benchmark mains.
 */
final class CudaTimer {
    private static final double TARGET_SECONDS = 0.3;
    private static final int MAX_REPS = 50;

    private final CudaBackend backend;

    CudaTimer(CudaBackend backend) {
        this.backend = backend;
    }

    /** Milliseconds per run: one warm-up run (compiles and caches), then enough runs to fill about 0.3 s. */
    double millisPerRun(Runnable work) {
        double once = time(work, 1);
        int reps = (int) Math.max(1, Math.min(MAX_REPS, TARGET_SECONDS * 1000 / Math.max(once, 1e-3)));
        return time(work, reps);
    }

    private double time(Runnable work, int reps) {
        CudaDevice device = backend.device();
        device.bind();
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        CudaErrors.check(cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate", "");
        CudaErrors.check(cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate", "");
        try {
            work.run();
            CudaErrors.check(cuEventRecord(start, device.stream()), "cuEventRecord", "");
            for (int i = 0; i < reps; i++) {
                work.run();
            }
            CudaErrors.check(cuEventRecord(stop, device.stream()), "cuEventRecord", "");
            CudaErrors.check(cuEventSynchronize(stop), "cuEventSynchronize", "");
            float[] ms = new float[1];
            CudaErrors.check(cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime", "");
            return ms[0] / reps;
        } finally {
            cuEventDestroy(start);
            cuEventDestroy(stop);
        }
    }

    /** Device-to-device copy bandwidth in GB/s (bytes read plus bytes written), the roof for memory-bound kernels. */
    @SuppressWarnings("try")
    double copyBandwidthGBs(long bytes) {
        int n = (int) (bytes / 4);
        try (MemoryScope scope = backend.scope()) {
            DeviceBuffer src = CudaTensors.bufferOf(backend.full(Shape.of(n), 1f));
            DeviceBuffer dst = CudaTensors.bufferOf(backend.full(Shape.of(n), 0f));
            double ms = millisPerRun(() -> backend.device().copy(dst, src, 4L * n));
            return 2.0 * 4 * n / (ms * 1e6);
        }
    }

    /** Starts the backend for a benchmark, or prints why it cannot and exits with status 1. */
    static CudaBackend backendOrExit(String benchmark) {
        try {
            return CudaBackend.create();
        } catch (CudaUnavailableException e) {
            System.err.println(benchmark + " needs a CUDA GPU: " + e.getMessage());
            System.err.println("Run dev.descent.cuda.doctor.Doctor for the full picture.");
            System.exit(1);
            throw e;
        }
    }
}
