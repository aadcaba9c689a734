package dev.descent.cuda.bench;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.kernels.SoftmaxVersion;
import java.util.List;
import java.util.Locale;

/**
 * Times the softmax versions and the backward kernel on GPT-2-sized rows, after checking each against the CPU
 * reference, and prints effective bandwidth (the bytes a perfect kernel must move: read x, write y; for backward
 * read y and g, write dx) in GB/s and as a percentage of the measured device-to-device copy bandwidth.
 * Exits 1 without a GPU.
 */
public final class SoftmaxBenchmark {
    private record Problem(String name, int rows, int cols) {
    }

    private static final List<Problem> PROBLEMS = List.of(new Problem("attention B2 H12 T1024", 2 * 12 * 1024, 1024),
            new Problem("classifier 2048 x 50304", 2048, 50304), new Problem("rows of 768", 16384, 768));

    private SoftmaxBenchmark() {
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        CudaBackend gpu = CudaTimer.backendOrExit("SoftmaxBenchmark");
        CudaTimer timer = new CudaTimer(gpu);
        System.out.println("device: " + gpu.deviceInfo());
        boolean allCorrect = check(gpu);
        double copy = timer.copyBandwidthGBs(256L << 20);
        System.out.printf(Locale.ROOT, "device-to-device copy: %.1f GB/s%n%n%-26s %-22s %9s %9s %7s%n", copy, "problem",
                "kernel", "ms", "GB/s", "% copy");
        for (Problem p : PROBLEMS) {
            try (MemoryScope scope = gpu.scope()) {
                Tensor x = gpu.randn(Shape.of(p.rows(), p.cols()), new Rng(1));
                Tensor g = gpu.randn(Shape.of(p.rows(), p.cols()), new Rng(2));
                double bytes = 4.0 * p.rows() * p.cols();
                for (SoftmaxVersion v : SoftmaxVersion.values()) {
                    try (MemoryScope run = gpu.scope()) {
                        double ms = timer.millisPerRun(() -> gpu.softmax(v, x, false).storage().release());
                        row(p.name(), v.name(), ms, 2 * bytes, copy);
                    }
                }
                Tensor y = gpu.softmax(x, false);
                double ms = timer.millisPerRun(() -> gpu.softmaxBackward(y, g, false).storage().release());
                row(p.name(), "backward", ms, 3 * bytes, copy);
            }
        }
        if (!allCorrect) {
            System.out.println("\nSOME VERSIONS WERE WRONG (see the check above)");
            System.exit(1);
        }
    }

    @SuppressWarnings("try")
    private static boolean check(CudaBackend gpu) {
        boolean all = true;
        for (int[] shape : new int[][] {{64, 1000}, {7, 50257}, {5, 1}}) {
            Tensor x = Backends.cpu().randn(Shape.of(shape), new Rng(3));
            float[] want = Backends.cpu().softmax(x, false).toArray();
            try (MemoryScope scope = gpu.scope()) {
                for (SoftmaxVersion v : SoftmaxVersion.values()) {
                    float[] got = gpu.softmax(v, x.to(gpu), false).toArray();
                    double worst = Compare.maxAbsError(want, got);
                    boolean ok = worst <= 1e-5;
                    all &= ok;
                    System.out.printf(Locale.ROOT, "check %-18s %s: max |error| %.3g %s%n", v.name(), Shape.of(shape),
                            worst, ok ? "ok" : "WRONG");
                }
            }
        }
        return all;
    }

    private static void row(String problem, String kernel, double ms, double bytes, double copy) {
        double gbs = bytes / (ms * 1e6);
        System.out.printf(Locale.ROOT, "%-26s %-22s %9.3f %9.1f %7.1f%n", problem, kernel, ms, gbs, 100 * gbs / copy);
    }
}
