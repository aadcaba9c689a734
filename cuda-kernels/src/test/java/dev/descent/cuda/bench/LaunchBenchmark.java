package dev.descent.cuda.bench;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.driver.CudaDevice;
import dev.descent.cuda.driver.CudaErrors;
import dev.descent.cuda.kernels.Kernels;
import dev.descent.cuda.kernels.LaunchShape;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.Arrays;
import java.util.Locale;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * What one kernel launch costs the host, next to what it costs the GPU. A trivial kernel (fill of one element, one
 * block) is launched in bursts of {@value #BURST} with no wait inside a burst: host µs per launch is the burst's
 * wall time over its launches; GPU µs per launch is the time between CUDA events recorded before and after the
 * burst. The host path is lean when host µs stays below GPU µs (the GPU, not Java, sets the pace) and below the
 * 5 µs target. Then the same for whole backend ops on one element (allocation, tensor bookkeeping, launch) and for
 * a broadcast add (which also builds a strided layout). Median of {@value #ROUNDS} bursts, and the minimum; the
 * last column counts the times the host waited for the GPU inside the bursts (0 expected).
 */
public final class LaunchBenchmark {
    private static final int BURST = 500;
    private static final int ROUNDS = 21;

    private LaunchBenchmark() {
    }

    private record Timing(double hostMicros, double gpuMicros, long hostWaits) {
    }

    public static void main(String[] args) {
        CudaBackend gpu = CudaTimer.backendOrExit("LaunchBenchmark");
        CudaDevice device = gpu.device();
        System.out.println("device: " + gpu.deviceInfo());
        System.out.printf(Locale.ROOT, "%-44s %12s %12s %12s %14s %11s%n", "per launch, bursts of " + BURST,
                "host µs med", "host µs min", "GPU µs med", "launches/s", "host waits");
        try (MemoryScope scope = gpu.scope()) {
            DeviceBuffer one = CudaTensors.bufferOf(gpu.full(Shape.of(1), 0f));
            LaunchShape shape = LaunchShape.strided(1, 256);
            report("kernel launch (fill_f32, 1 element)", time(device, () -> device.launch(Kernels.FILL, shape, 1, 0f,
                    one)));
            Tensor x = gpu.full(Shape.of(1), 1f);
            report("backend op: full (1)", time(device, () -> gpu.full(Shape.of(1), 0f).storage().release()));
            report("backend op: unary exp (1)", time(device, () -> gpu.unary(UnaryOp.EXP, x).storage().release()));
            Tensor a = gpu.full(Shape.of(4, 4), 1f);
            Tensor bias = gpu.full(Shape.of(4), 2f);
            report("backend op: broadcast add (4, 4) + (4)", time(device,
                    () -> gpu.binary(BinaryOp.ADD, a, bias).storage().release()));
        }
    }

    /** Median and minimum over rounds of one burst each, with a synchronisation between bursts. */
    private static Timing[] time(CudaDevice device, Runnable op) {
        for (int i = 0; i < 2 * BURST; i++) {
            op.run();                                            // warm up: JIT, modules, allocator cache
        }
        device.synchronize();
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        CudaErrors.check(cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate", "");
        CudaErrors.check(cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate", "");
        Timing[] rounds = new Timing[ROUNDS];
        try {
            for (int r = 0; r < ROUNDS; r++) {
                CudaErrors.check(cuEventRecord(start, device.stream()), "cuEventRecord", "");
                long waits = device.synchronizations();
                long t0 = System.nanoTime();
                for (int i = 0; i < BURST; i++) {
                    op.run();
                }
                long host = System.nanoTime() - t0;
                waits = device.synchronizations() - waits;
                CudaErrors.check(cuEventRecord(stop, device.stream()), "cuEventRecord", "");
                CudaErrors.check(cuEventSynchronize(stop), "cuEventSynchronize", "");
                float[] ms = new float[1];
                CudaErrors.check(cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime", "");
                rounds[r] = new Timing(host / 1e3 / BURST, ms[0] * 1e3 / BURST, waits);
            }
        } finally {
            cuEventDestroy(start);
            cuEventDestroy(stop);
        }
        return rounds;
    }

    private static void report(String what, Timing[] rounds) {
        double[] host = Arrays.stream(rounds).mapToDouble(Timing::hostMicros).sorted().toArray();
        double[] gpuTimes = Arrays.stream(rounds).mapToDouble(Timing::gpuMicros).sorted().toArray();
        double median = host[host.length / 2];
        long waits = Arrays.stream(rounds).mapToLong(Timing::hostWaits).sum();
        System.out.printf(Locale.ROOT, "%-44s %12.2f %12.2f %12.2f %14.0f %11d%n", what, median, host[0],
                gpuTimes[gpuTimes.length / 2], 1e6 / median, waits);
    }
}
