package dev.descent.core.bench;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * GFLOP/s of the CPU matmul of two or more builds of core side by side in one JVM: each build's classes in a class
 * loader of its own (its own {@code PackedMatmul}, {@code Parallel} and workers), their calls interleaved in blocks,
 * so that every build sees the same machine load. On a shared machine whose load swings from minute to minute this
 * tells a 5% change apart, which separate runs cannot.
 *
 * <p>Usage, from the repository root, with each build's {@code core/target/classes} copied to a folder of its own:
 * <pre>scripts/java.sh -cp core/target/classes dev.descent.core.bench.MatmulBuildsBenchmark [--a-transposed]
 *     [--b-transposed] MxKxN CALLS DIR1 [DIR2 ..]</pre>
 * With {@code --b-transposed} B is stored as its transpose {@code (N, K)}, as a Linear's weight is in the forward
 * pass; with {@code --a-transposed} A is stored as {@code (K, M)}, as the output gradient is in a weight's gradient.
 * A block is {@value #BLOCK} timed calls of one build after {@value #BLOCK_WARM_UP} untimed ones (a build's
 * workers may still be busy, or waiting for the next job, from the block before); builds take turns, starting with
 * a different one each round; 4 s of untimed calls of every build first. Prints best, median and lower quartile per
 * build.
 */
public final class MatmulBuildsBenchmark {
    private static final int BLOCK = 10;
    private static final int BLOCK_WARM_UP = 2;
    private static final long WARM_UP_NANOS = 4_000_000_000L;

    private MatmulBuildsBenchmark() {
    }

    /** One build's CPU backend and its operands, called through reflection. */
    private record Build(String dir, Object backend, Method matmul, Method scope, Object a, Object b,
                         boolean aTransposed, boolean bTransposed) {
        static Build load(String dir, int m, int k, int n, boolean aTransposed, boolean bTransposed)
                throws ReflectiveOperationException, IOException {
            URL classes = Path.of(dir).toUri().toURL();
            ClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
            Class<?> rng = loader.loadClass("dev.descent.core.Rng");
            Class<?> tensor = loader.loadClass("dev.descent.core.Tensor");
            Object backend = loader.loadClass("dev.descent.core.Backends").getMethod("cpu").invoke(null);
            Object seeded = rng.getConstructor(long.class).newInstance(0L);
            Method randn = tensor.getMethod("randn", rng, int[].class);
            Object a = randn.invoke(null, seeded, aTransposed ? new int[] {k, m} : new int[] {m, k});
            Object b = randn.invoke(null, seeded, bTransposed ? new int[] {n, k} : new int[] {k, n});
            Class<?> backendClass = loader.loadClass("dev.descent.core.Backend");
            Method matmul = backendClass.getMethod("matmul", tensor, tensor, boolean.class, boolean.class);
            return new Build(dir, backend, matmul, backendClass.getMethod("scope"), a, b, aTransposed, bTransposed);
        }

        /**
         * Seconds of one C = A·B, run in a memory scope as in a training step, so that its output goes back to the
         * pool and the next call's comes from there (a new array per call made this benchmark time the collector:
         * at 256×768×50304, 51 MB a call, the median call ran at a third of the best).
         */
        double call() throws Exception {
            try (AutoCloseable step = (AutoCloseable) scope.invoke(backend)) {
                long start = System.nanoTime();
                matmul.invoke(backend, a, b, aTransposed, bTransposed);
                return (System.nanoTime() - start) * 1e-9;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean aTransposed = rest.remove("--a-transposed");
        boolean bTransposed = rest.remove("--b-transposed");
        args = rest.toArray(new String[0]);
        if (args.length < 3) {
            throw new IllegalArgumentException(
                    "usage: MatmulBuildsBenchmark [--a-transposed] [--b-transposed] MxKxN CALLS DIR1 [DIR2 ..]");
        }
        int[] shape = Arrays.stream(args[0].split("x")).mapToInt(Integer::parseInt).toArray();
        int calls = Integer.parseInt(args[1]);
        Build[] builds = new Build[args.length - 2];
        for (int i = 0; i < builds.length; i++) {
            builds[i] = Build.load(args[i + 2], shape[0], shape[1], shape[2], aTransposed, bTransposed);
        }
        System.out.println(Machine.describe());
        System.out.println("load average before: " + Machine.loadAverage());
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < warmUpEnd) {
            for (Build build : builds) {
                build.call();
            }
        }
        double[][] seconds = new double[builds.length][calls];
        for (int c = 0; c < calls; c += BLOCK) {
            for (int turn = 0; turn < builds.length; turn++) {
                int i = (c / BLOCK + turn) % builds.length;
                for (int w = 0; w < BLOCK_WARM_UP; w++) {
                    builds[i].call();
                }
                for (int t = c; t < Math.min(calls, c + BLOCK); t++) {
                    seconds[i][t] = builds[i].call();
                }
            }
        }
        double flops = 2.0 * shape[0] * shape[1] * shape[2];
        for (int i = 0; i < builds.length; i++) {
            double[] sorted = seconds[i].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%s %s: GFLOP/s best %.0f, median %.0f, lower quartile %.0f%n", args[0],
                    builds[i].dir(), flops / sorted[0] * 1e-9, flops / sorted[calls / 2] * 1e-9,
                    flops / sorted[calls * 3 / 4] * 1e-9);
        }
        System.out.println("load average after: " + Machine.loadAverage());
    }
}
