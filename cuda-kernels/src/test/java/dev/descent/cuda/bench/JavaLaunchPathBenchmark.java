package dev.descent.cuda.bench;

import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScopes;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.cuda.driver.Launcher;
import dev.descent.cuda.kernels.CudaElementwise;
import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.KernelStream;
import dev.descent.cuda.kernels.Kernels;
import dev.descent.cuda.kernels.LaunchShape;
import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import dev.descent.cuda.memory.FakeDeviceMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jcuda.driver.CUfunction;

/**
 * The Java side of a launch, timed on any machine: the driver call is a stub that returns success, device memory is
 * a pretend device, so what is left is what descent's code costs per launch and per backend op (argument checks,
 * function lookup, argument packing, allocation from the cache, tensor bookkeeping). JNI and the driver's own
 * cuLaunchKernel come on top on a GPU; {@link LaunchBenchmark} measures the whole path there. Median and minimum of
 * {@value #ROUNDS} rounds of {@value #OPS} calls, after a warm-up.
 */
public final class JavaLaunchPathBenchmark {
    private static final int OPS = 100_000;
    private static final int ROUNDS = 15;

    private JavaLaunchPathBenchmark() {
    }

    /** A stream that checks and packs like the device does, then hands the launch to a stubbed driver call. */
    private static final class StubStream implements KernelStream {
        private final Launcher launcher = Launcher.stubbed((spec, defines) -> new CUfunction(), (f, shape, p) -> 0);

        @Override
        public void launch(KernelSpec spec, List<String> defines, LaunchShape shape, Object... args) {
            spec.checkArgs(args);
            launcher.launch(spec, defines, shape, args);
        }

        @Override
        public void uploadInts(DeviceBuffer dst, int[] src) {
            throw new UnsupportedOperationException("no uploads here");
        }

        @Override
        public void fillWords(DeviceBuffer dst, int value, long count) {
        }

        @Override
        public void addReadCheck(Runnable check) {
        }

        @Override
        public float[] download(DeviceBuffer src, long offset, int count) {
            return new float[count];
        }

        @Override
        public int[] downloadInts(DeviceBuffer src, int count) {
            return new int[count];
        }
    }

    public static void main(String[] args) {
        StubStream stream = new StubStream();
        CudaTensors tensors = new CudaTensors(Backends.cpu(), new CachingAllocator(new FakeDeviceMemory(1L << 40), 0),
                new MemoryScopes());
        CudaElementwise elementwise = new CudaElementwise(tensors, stream);
        DeviceBuffer one = tensors.scratch(4);
        LaunchShape shape = LaunchShape.strided(1, 256);
        Tensor x = tensors.empty(Shape.of(1));
        Tensor a = tensors.empty(Shape.of(4, 4));
        Tensor bias = tensors.empty(Shape.of(4));
        System.out.printf(Locale.ROOT, "Java %s, %d cores; ns per call, driver stubbed%n%-40s %10s %10s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), "", "median", "min");
        report("launch: check, look up, pack (fill_f32)", () -> stream.launch(Kernels.FILL, shape, 1, 0f, one));
        report("backend op: unary exp (1)", () -> elementwise.unary(UnaryOp.EXP, x).storage().release());
        report("backend op: broadcast add (4, 4) + (4)",
                () -> elementwise.binary(BinaryOp.ADD, a, bias).storage().release());
    }

    private static void report(String what, Runnable op) {
        for (int i = 0; i < 3 * OPS; i++) {
            op.run();
        }
        double[] ns = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < OPS; i++) {
                op.run();
            }
            ns[r] = (System.nanoTime() - t0) / (double) OPS;
        }
        Arrays.sort(ns);
        System.out.printf(Locale.ROOT, "%-40s %10.0f %10.0f%n", what, ns[ROUNDS / 2], ns[0]);
    }
}
