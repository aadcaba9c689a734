package dev.descent.core.bench;

import dev.descent.core.AdamStep;
import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU backend's fused optimizer loops against the machine's copy bandwidth and against their composed defaults
 * (what AdamW and the gradient norm cost before they were fused), in one run: every round times each of them in turn,
 * so all see the same load. Rates are the minimum traffic over the time: AdamW reads θ, g, m, v and writes θ, m, v
 * (28 bytes per element), the sum of squares reads 4, a copy reads and writes 8 (split over every core, as the
 * fused loops are).
 *
 * <p>Usage, from the repository root after {@code mvn -q -pl core compile}:
 * <pre>java -cp core/target/classes dev.descent.core.bench.OptimizerBenchmark [--rounds R] [--reps N] [--elements E]</pre>
 * Defaults: 5 rounds of 3 repetitions, 16,777,216 elements (64 MiB per tensor: far beyond the caches); best and
 * median reported, after 3 s of untimed calls each.
 */
public final class OptimizerBenchmark {
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final AdamStep ADAMW = new AdamStep(0.9, 0.95, 1e-8, true, false);

    private OptimizerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = 5;
        int reps = 3;
        int elements = 1 << 24;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--elements" -> elements = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --rounds R, --reps N, --elements E");
            }
        }
        System.out.println(Machine.describe());
        System.out.println("load average before: " + Machine.loadAverage());
        Backend cpu = Backends.cpu();
        Backend composed = Backends.primitivesOnly(cpu);
        Shape shape = Shape.of(elements);
        Rng rng = new Rng(0);
        Tensor theta = cpu.randn(shape, rng);
        Tensor grad = cpu.randn(shape, rng);
        Tensor m = cpu.full(shape, 0f);
        Tensor v = cpu.full(shape, 0f);
        float[] from = theta.toArray();
        float[] to = new float[elements];
        long[] step = {0};
        Map<String, Runnable> cases = new LinkedHashMap<>();
        cases.put("copy, all cores", () -> Copy.onAllCores(from, to));
        cases.put("AdamW, fused (CpuOptim)", () -> adamw(cpu, theta, grad, m, v, ++step[0]));
        cases.put("AdamW, composed default", () -> adamw(composed, theta, grad, m, v, ++step[0]));
        cases.put("sum of squares, fused", () -> cpu.sumOfSquares(List.of(grad)).item());
        cases.put("sum of squares, composed", () -> composed.sumOfSquares(List.of(grad)).item());
        Map<String, Double> bytesPerElement = Map.of("copy, all cores", 8.0, "AdamW, fused (CpuOptim)", 28.0,
                "AdamW, composed default", 28.0, "sum of squares, fused", 4.0, "sum of squares, composed", 4.0);
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (Map.Entry<String, Runnable> c : cases.entrySet()) {
            warmUp(c.getValue());
            seconds.put(c.getKey(), new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Runnable> c : cases.entrySet()) {
                for (int i = 0; i < reps; i++) {
                    seconds.get(c.getKey()).add(timed(c.getValue()));
                }
            }
        }
        double copyRate = rate(8.0 * elements, best(seconds.get("copy, all cores")));
        System.out.printf(Locale.ROOT, "%,d elements, %d rounds of %d%n", elements, rounds, reps);
        System.out.println("| kernel | ms best (median) | GB/s best | % of copy GB/s |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
            double[] sorted = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double gbs = rate(bytesPerElement.get(e.getKey()) * elements, sorted[0]);
            System.out.printf(Locale.ROOT, "| %s | %.2f (%.2f) | %.1f | %.0f%% |%n", e.getKey(), sorted[0] * 1e3,
                    sorted[sorted.length / 2] * 1e3, gbs, 100 * gbs / copyRate);
        }
        System.out.println("load average after: " + Machine.loadAverage());
    }

    /** One AdamW step of the tensor at step t, any temporaries freed at once. */
    @SuppressWarnings("try")
    private static void adamw(Backend b, Tensor theta, Tensor grad, Tensor m, Tensor v, long t) {
        try (MemoryScope temps = b.scope()) {
            b.adamStep(ADAMW, List.of(new AdamStep.Param(theta, grad, m, v, null, 1e-4, 0.1, t)));
        }
    }

    private static void warmUp(Runnable r) {
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 5 || System.nanoTime() < end; i++) {
            r.run();
        }
    }

    private static double timed(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) * 1e-9;
    }

    private static double best(List<Double> seconds) {
        return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double rate(double bytes, double seconds) {
        return bytes / seconds * 1e-9;
    }
}
