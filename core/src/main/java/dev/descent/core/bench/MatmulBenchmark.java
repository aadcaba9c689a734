package dev.descent.core.bench;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * GFLOP/s of the CPU backend's float32 matmul next to NumPy's {@code np.matmul} on the same machine, in the
 * same run: for every shape, rounds of our repetitions alternate with rounds of NumPy's (run by
 * {@code scripts/bench/numpy_matmul.py} as a subprocess), so both see the same machine load; each round starts
 * half a second after the other side's ended.
 *
 * <p>Usage, from the repository root after {@code mvn -q -pl core compile}:
 * <pre>scripts/java.sh -cp core/target/classes dev.descent.core.bench.MatmulBenchmark [--rounds R] [--reps N]
 *     [--pooled-outputs] [MxKxN ...]</pre>
 * Defaults: 5 rounds of 3 repetitions each side, shapes 2048x768x3072 and 1024x1024x1024. A shape ending in
 * {@code t} (256x3072x768t) has B stored transposed, (N, K), as a Linear's weight is in its forward pass, x·Wᵀ: on
 * our side {@code matmul(a, b, false, true)}, on NumPy's {@code np.matmul(a, b.T)}. Flops = 2·M·K·N;
 * a time is one {@code Backend.matmul} call (packing and the output array included), after 3 s of untimed calls;
 * best and median reported. Each round of either side starts with one untimed call, as the NumPy script's does.
 * By default every call's output is a new array, which the JVM zero-fills first; with {@code --pooled-outputs} each
 * call runs in a {@link MemoryScope}, so its output is released and the next call takes it from the pool without a
 * fill, as in a training step (and as NumPy's outputs come from the C allocator's reused memory).
 *
 * <p>The NumPy line names the kernels OpenBLAS chose ("core Haswell"). OpenBLAS picks them by the CPU models it
 * knows, and on a newer CPU it may fall back to slower ones: OpenBLAS 0.3.31 runs its AVX2 kernels on AMD Zen 5, at
 * about half the speed of its AVX-512 ones there. Name the right ones with {@code OPENBLAS_CORETYPE} (for example
 * {@code OPENBLAS_CORETYPE=SkylakeX} on a CPU with AVX-512) before comparing.
 */
public final class MatmulBenchmark {
    private static final String SCRIPT = "scripts/bench/numpy_matmul.py";
    /** Untimed calls per shape until the JIT has compiled the final code for the kernel: at least 5 and 3 s. */
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final long SETTLE_MILLIS = 500;

    private MatmulBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = 5;
        int reps = 3;
        boolean pooled = false;
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--pooled-outputs" -> pooled = true;
                default -> shapes.add(Shape.parse(args[i]));
            }
        }
        if (shapes.isEmpty()) {
            shapes = List.of(new Shape(2048, 768, 3072, false), new Shape(1024, 1024, 1024, false));
        }
        System.out.println(Machine.describe());
        try (NumPy numpy = NumPy.start()) {
            if (numpy != null) {
                System.out.println(numpy.version);
            }
            System.out.println("outputs: " + (pooled ? "from the pool, released after each call" : "new arrays"));
            System.out.println("load average before: " + Machine.loadAverage());
            System.out.println("| M | K | N | B | descent GFLOP/s best (median) | NumPy GFLOP/s best (median) |");
            System.out.println("|---|---|---|---|---|---|");
            for (Shape s : shapes) {
                System.out.println(measure(s, rounds, reps, pooled, numpy));
            }
            System.out.println("load average after: " + Machine.loadAverage());
        }
    }

    /** C = A·B with A (M, K) and B (K, N), or B stored transposed as (N, K). */
    private record Shape(int m, int k, int n, boolean bTransposed) {
        /** "MxKxN", or "MxKxNt" for B stored transposed. */
        static Shape parse(String text) {
            boolean transposed = text.endsWith("t");
            String[] parts = (transposed ? text.substring(0, text.length() - 1) : text).split("x");
            if (parts.length != 3) {
                throw new IllegalArgumentException(
                        "shape must be MxKxN, or MxKxNt with B stored transposed, e.g. 2048x768x3072; got " + text);
            }
            int[] dims = Arrays.stream(parts).mapToInt(Integer::parseInt).toArray();
            return new Shape(dims[0], dims[1], dims[2], transposed);
        }
    }

    /** One C = A·B (B stored transposed where the shape says so); pooled, its output released to the pool at once. */
    private static void call(Backend cpu, Tensor a, Tensor b, Shape shape, boolean pooled) {
        if (!pooled) {
            cpu.matmul(a, b, false, shape.bTransposed());
            return;
        }
        try (MemoryScope call = cpu.scope()) {
            cpu.matmul(a, b, false, shape.bTransposed());
        }
    }

    private static String measure(Shape shape, int rounds, int reps, boolean pooled, NumPy numpy)
            throws IOException {
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        Rng rng = new Rng(0);
        Tensor a = Tensor.randn(rng, m, k);
        Tensor b = shape.bTransposed() ? Tensor.randn(rng, n, k) : Tensor.randn(rng, k, n);
        Backend cpu = Backends.cpu();
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 5 || System.nanoTime() < warmUpEnd; i++) {
            call(cpu, a, b, shape, pooled);
        }
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            settle();
            call(cpu, a, b, shape, pooled);
            for (int i = 0; i < reps; i++) {
                long start = System.nanoTime();
                call(cpu, a, b, shape, pooled);
                ours.add((System.nanoTime() - start) * 1e-9);
            }
            if (numpy != null) {
                settle();
                theirs.addAll(numpy.time(shape, reps));
            }
        }
        double flops = 2.0 * m * k * n;
        return String.format(Locale.ROOT, "| %d | %d | %d | %s | %s | %s |", m, k, n,
                shape.bTransposed() ? "transposed" : "row-major", rate(flops, ours),
                numpy == null ? "n/a" : rate(flops, theirs));
    }

    /**
     * Lets the other side's threads go idle before a round: OpenBLAS workers spin for a while after a call, and
     * would otherwise share the cores with the next round of ours.
     */
    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "best (median)" GFLOP/s for the given seconds per call. */
    private static String rate(double flops, List<Double> seconds) {
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "%.1f (%.1f)", flops / sorted[0] * 1e-9,
                flops / sorted[sorted.length / 2] * 1e-9);
    }

    /** The NumPy timing script as a running subprocess, or null from {@link #start()} when it cannot run. */
    private static final class NumPy implements AutoCloseable {
        final String version;
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;

        private NumPy(Process process) throws IOException {
            this.process = process;
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.version = out.readLine();
        }

        /** Starts the script, or says why it cannot and returns null. */
        static NumPy start() throws IOException {
            if (!Files.isRegularFile(Path.of(SCRIPT))) {
                System.out.println("numpy: skipped, " + SCRIPT + " not found (run from the repository root)");
                return null;
            }
            Process process;
            try {
                process = new ProcessBuilder("python3", SCRIPT).redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
            } catch (IOException e) {
                System.out.println("numpy: skipped, python3 not runnable: " + e.getMessage());
                return null;
            }
            NumPy numpy = new NumPy(process);
            if (numpy.version == null || !numpy.version.startsWith("numpy ")) {
                System.out.println("numpy: skipped, python3 " + SCRIPT + " did not start (is NumPy installed?)");
                numpy.close();
                return null;
            }
            return numpy;
        }

        List<Double> time(Shape shape, int reps) throws IOException {
            in.println(shape.m() + " " + shape.k() + " " + shape.n() + " " + reps + (shape.bTransposed() ? " t" : ""));
            String line = out.readLine();
            if (line == null) {
                throw new IOException("the NumPy script stopped answering");
            }
            return Arrays.stream(line.trim().split(" ")).map(Double::valueOf).toList();
        }

        @Override
        public void close() {
            in.close();
            process.destroy();
        }
    }
}
