package dev.descent.lessons.roofline;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.Gtx1070Ti;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Mfu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 29: the roofline. An operation cannot finish faster than its FLOPs at the card's peak nor faster than its
 * bytes at the card's memory bandwidth; its arithmetic intensity (FLOPs per byte) decides which limit bites. The
 * GPT-2 kernels of one micro-batch, priced on a GTX 1070 Ti: weight matmuls are compute-bound, elementwise ops
 * memory-bound. A simulated tiled GPU matmul shows where a matmul's intensity comes from, and descent's own CPU ops
 * show the same split on this machine.
 */
public final class Main {
    static final long FLOAT_BYTES = 4;
    static final double PEAK_FLOPS = Gtx1070Ti.PEAK_FLOPS;
    static final double BANDWIDTH = Gtx1070Ti.BANDWIDTH;
    static final GPTConfig GPT2 = Gtx1070Ti.GPT2;
    static final int BATCH = Gtx1070Ti.MICRO_BATCH;
    static final int SEQ = Gtx1070Ti.SEQ_LEN;
    static final long TOKENS_PER_STEP = Gtx1070Ti.TOKENS_PER_STEP;

    // ------------------------------------------------------------------ the roofline

    /** What a kernel is, for the chart. */
    enum Kind {
        WEIGHT_MATMUL, ATTENTION_MATMUL, ELEMENTWISE
    }

    /** One kernel launch: how much arithmetic it does and how many bytes it must move to and from memory. */
    record Kernel(String name, Kind kind, double flops, double bytes) {
        /** Arithmetic intensity, FLOPs per byte moved. */
        double intensity() {
            return flops / bytes;
        }

        /** Below the ridge point peak/bandwidth the memory cannot feed the cores fast enough. */
        boolean memoryBound(double peak, double bandwidth) {
            return Roofline.memoryBound(flops, bytes, peak, bandwidth);
        }

        /** The roofline's lower bound on its time: it cannot finish before its FLOPs nor before its bytes. */
        double seconds(double peak, double bandwidth) {
            return Roofline.seconds(flops, bytes, peak, bandwidth);
        }
    }

    /** An (m×k)·(k×n) matmul, repeated {@code count} times: 2mkn FLOPs, reads A and B, writes C, once each. */
    static Kernel matmul(String name, Kind kind, double count, double m, double k, double n) {
        return new Kernel(name, kind, count * 2 * m * k * n, count * FLOAT_BYTES * (m * k + k * n + m * n));
    }

    /** An elementwise op over {@code elements}, {@code flopsEach} FLOPs and {@code floatsMoved} reads+writes each. */
    static Kernel elementwise(String name, double elements, double flopsEach, double floatsMoved) {
        return new Kernel(name, Kind.ELEMENTWISE, elements * flopsEach, elements * floatsMoved * FLOAT_BYTES);
    }

    /**
     * The forward kernels of one transformer block at micro-batch b × t, each moving its data exactly once
     * (biases are added inside the matmuls). A block runs two LayerNorms and two residual adds, listed as one.
     */
    static List<Kernel> blockKernels(GPTConfig m, int b, int t) {
        double bt = (double) b * t;
        double c = m.width();
        double heads = m.heads();
        double hs = c / heads;
        return List.of(
                // mean (1) + variance (3) + normalise, scale, shift (4) per element; read x, write y
                elementwise("LayerNorm x2", 2 * bt * c, 8, 2),
                matmul("qkv matmul", Kind.WEIGHT_MATMUL, 1, bt, c, 3 * c),
                matmul("attention q·kᵀ", Kind.ATTENTION_MATMUL, b * heads, t, hs, t),
                // max, subtract, exp, sum, divide; read the score, write the probability
                elementwise("attention softmax", b * heads * t * t, 5, 2),
                matmul("attention p·v", Kind.ATTENTION_MATMUL, b * heads, t, t, hs),
                matmul("attention projection", Kind.WEIGHT_MATMUL, 1, bt, c, c),
                // one add; read two, write one
                elementwise("residual add x2", 2 * bt * c, 1, 3),
                matmul("MLP fc matmul", Kind.WEIGHT_MATMUL, 1, bt, c, 4 * c),
                // x³ (2), ·0.044715 (1), +x (1), ·√(2/π) (1), tanh (1), +1 (1), ·x (1), ·0.5 (1); read, write
                elementwise("GELU", bt * 4 * c, 9, 2),
                matmul("MLP projection", Kind.WEIGHT_MATMUL, 1, bt, 4 * c, c));
    }

    /** The classifier's kernels (once per micro-batch) and the AdamW update (once per optimizer step). */
    static List<Kernel> headKernels(GPTConfig m, int b, int t) {
        double bt = (double) b * t;
        return List.of(
                matmul("classifier matmul", Kind.WEIGHT_MATMUL, 1, bt, m.width(), m.vocabSize()),
                elementwise("softmax + cross-entropy", bt * m.vocabSize(), 5, 2),
                // m (3), v (4), bias corrections (2), √ (1), +ε (1), ÷ (1), ·lr (1), decay (2), subtract (1);
                // reads θ, g, m, v and writes θ, m, v
                elementwise("AdamW update", GPT.parameterCount(m), 16, 7));
    }

    /**
     * The roofline's lower bound on one micro-step's time (forward + backward ≈ 3 × forward for every kernel),
     * {seconds, of which in memory-bound kernels}. The AdamW update runs once per optimizer step, so only
     * its share per micro-step counts.
     */
    static double[] rooflineMicroStepSeconds(GPTConfig m, int b, int t, double peak, double bandwidth) {
        double total = 0;
        double memoryBound = 0;
        List<Kernel> kernels = new ArrayList<>();
        for (int layer = 0; layer < m.layers(); layer++) {
            kernels.addAll(blockKernels(m, b, t));
        }
        kernels.addAll(headKernels(m, b, t));
        double microSteps = (double) TOKENS_PER_STEP / (b * t);
        for (Kernel k : kernels) {
            double s = k.name().equals("AdamW update") ? k.seconds(peak, bandwidth) / microSteps
                    : 3 * k.seconds(peak, bandwidth);
            total += s;
            if (k.memoryBound(peak, bandwidth)) {
                memoryBound += s;
            }
        }
        return new double[] {total, memoryBound};
    }

    // ------------------------------------------------------------------ how a GPU matmul earns its intensity

    /**
     * C = A·B for n×n matrices, the way a GPU kernel computes it: C is cut into tile×tile blocks, one per
     * thread block; for each block, matching tile×tile pieces of A and B are copied from global memory (the
     * GDDR5) into the block's small, fast shared memory, and every multiply-add reads from there. Returns how
     * many floats were read from global memory: 2n³/tile, so each loaded float is used tile times.
     * Tile 1 is the naive kernel, one thread per output reading a whole row of A and column of B.
     */
    static long tiledMatmul(float[] a, float[] b, float[] c, int n, int tile) {
        if (n % tile != 0) {
            throw new IllegalArgumentException("tiledMatmul: tile " + tile + " does not divide n = " + n);
        }
        long globalReads = 0;
        float[] aShared = new float[tile * tile];
        float[] bShared = new float[tile * tile];
        for (int i0 = 0; i0 < n; i0 += tile) {
            for (int j0 = 0; j0 < n; j0 += tile) {
                float[] acc = new float[tile * tile];
                for (int k0 = 0; k0 < n; k0 += tile) {
                    for (int i = 0; i < tile; i++) {
                        for (int k = 0; k < tile; k++) {
                            aShared[i * tile + k] = a[(i0 + i) * n + k0 + k];
                            bShared[i * tile + k] = b[(k0 + i) * n + j0 + k];
                        }
                    }
                    globalReads += 2L * tile * tile;
                    // acc[i][j] += Σ_k A[i][k]·B[k][j], all from shared memory
                    for (int i = 0; i < tile; i++) {
                        for (int k = 0; k < tile; k++) {
                            float aik = aShared[i * tile + k];
                            for (int j = 0; j < tile; j++) {
                                acc[i * tile + j] += aik * bShared[k * tile + j];
                            }
                        }
                    }
                }
                for (int i = 0; i < tile; i++) {
                    System.arraycopy(acc, i * tile, c, (i0 + i) * n + j0, tile);
                }
            }
        }
        return globalReads;
    }

    /** FLOPs per byte read from global memory by {@link #tiledMatmul}: 2n³ / (4 · 2n³/tile) = tile/4. */
    static double tiledIntensity(int n, long globalReads) {
        return 2.0 * n * n * n / (FLOAT_BYTES * globalReads);
    }

    // ------------------------------------------------------------------ the same effect on this CPU

    /**
     * Measured on this machine's CPU with descent's own ops, best of {@code repeats} runs: {matmul GFLOP/s,
     * elementwise-add GFLOP/s, add GB/s moved, GELU GB/s moved}. A benchmark, so only printed, never asserted.
     */
    @SuppressWarnings("try")
    static double[] cpuRates(int matmulSize, int elements, int repeats) {
        Rng rng = new Rng(27);
        Tensor a = Tensor.randn(rng, matmulSize, matmulSize);
        Tensor b = Tensor.randn(rng, matmulSize, matmulSize);
        Tensor x = Tensor.randn(rng, elements);
        Tensor y = Tensor.randn(rng, elements);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        try (var off = Autograd.noGrad()) {
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                a.matmul(b);
                long t1 = System.nanoTime();
                x.add(y);
                long t2 = System.nanoTime();
                x.gelu();
                long t3 = System.nanoTime();
                best[0] = Math.min(best[0], (t1 - t0) / 1e9);
                best[1] = Math.min(best[1], (t2 - t1) / 1e9);
                best[2] = Math.min(best[2], (t3 - t2) / 1e9);
            }
        }
        double matmulFlops = 2.0 * matmulSize * matmulSize * matmulSize;
        return new double[] {matmulFlops / best[0] / 1e9, elements / best[1] / 1e9,
                3.0 * FLOAT_BYTES * elements / best[1] / 1e9, 2.0 * FLOAT_BYTES * elements / best[2] / 1e9};
    }

    public static void main(String[] args) {
        List<Kernel> kernels = printRoofline();
        printTiling();
        printCpuRates();
        writeRooflineChart(kernels);
    }

    private static List<Kernel> printRoofline() {
        double ridge = PEAK_FLOPS / BANDWIDTH;
        System.out.printf(Locale.ROOT, "roofline on the 1070 Ti: ridge point %.1f FLOP/byte; below it an op waits "
                + "for memory%n", ridge);
        List<Kernel> kernels = new ArrayList<>(blockKernels(GPT2, BATCH, SEQ));
        kernels.addAll(headKernels(GPT2, BATCH, SEQ));
        for (Kernel k : kernels) {
            System.out.printf(Locale.ROOT, "  %-24s %9.2f GFLOP %8.1f MB %8.1f FLOP/B  %-13s %7.3f ms%n", k.name(),
                    k.flops() / 1e9, k.bytes() / 1e6, k.intensity(),
                    k.memoryBound(PEAK_FLOPS, BANDWIDTH) ? "memory-bound" : "compute-bound",
                    1e3 * k.seconds(PEAK_FLOPS, BANDWIDTH));
        }
        double[] bound = rooflineMicroStepSeconds(GPT2, BATCH, SEQ, PEAK_FLOPS, BANDWIDTH);
        double ideal = BATCH * SEQ * Mfu.flopsPerToken(GPT.parameterCount(GPT2), GPT2.layers(), GPT2.width(), SEQ)
                / PEAK_FLOPS;
        System.out.printf(Locale.ROOT, "one micro-step (fwd + bwd = 3 x fwd): at least %.0f ms by the roofline, "
                + "%.0f%% of it in memory-bound ops; %.0f ms at peak -> MFU at most %.0f%% even with perfect "
                + "kernels%n", 1e3 * bound[0], 100 * bound[1] / bound[0], 1e3 * ideal, 100 * ideal / bound[0]);
        return kernels;
    }

    private static void printTiling() {
        int n = 256;
        Rng rng = new Rng(1070);
        float[] a = Tensor.randn(rng, n, n).toArray();
        float[] b = Tensor.randn(rng, n, n).toArray();
        System.out.printf(Locale.ROOT, "%nsimulated GPU matmul %dx%d: floats read from global memory, and FLOPs per "
                + "byte read%n", n, n);
        for (int tile : new int[] {1, 8, 16, 32, 64}) {
            long reads = tiledMatmul(a, b, new float[n * n], n, tile);
            System.out.printf(Locale.ROOT, "  tile %2d: %,11d reads, %5.2f FLOP/byte -> %s on a 1070 Ti%n", tile,
                    reads, tiledIntensity(n, reads),
                    tiledIntensity(n, reads) < PEAK_FLOPS / BANDWIDTH ? "memory-bound" : "compute-bound");
        }
    }

    private static void printCpuRates() {
        double[] cpu = cpuRates(256, 1 << 22, 10);
        System.out.printf(Locale.ROOT, "%nthis CPU, descent's own ops: 256x256 matmul %.1f GFLOP/s; "
                + "add of 4M floats %.2f GFLOP/s (%.1f GB/s moved) -> the matmul does %.0fx more arithmetic "
                + "per second%n", cpu[0], cpu[1], cpu[2], cpu[0] / cpu[1]);
        System.out.printf(Locale.ROOT, "  GELU of 4M floats moves only %.2f GB/s: on this CPU its tanh, not memory, "
                + "is the limit%n", cpu[3]);
    }

    private static void writeRooflineChart(List<Kernel> kernels) {
        Path folder = LessonFolder.of("29-roofline");
        Plot chart = Plot.lines("Roofline of a GTX 1070 Ti (fp32) and the GPT-2 124M kernels",
                "arithmetic intensity, FLOP per byte moved", "attainable GFLOP/s").logX().logY();
        String[] groups = {"weight matmuls", "attention matmuls", "elementwise and reductions"};
        for (Kind kind : Kind.values()) {
            // One label per cluster of nearby points, on its first point, so that labels are not written over
            // each other.
            List<Kernel> sorted = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (List<Kernel> cluster : clusters(kernels.stream().filter(k -> k.kind() == kind).toList())) {
                for (Kernel k : cluster) {
                    names.add(k == cluster.get(0) ? String.join(", ", cluster.stream().map(Main::shortName).toList())
                            : "");
                    sorted.add(k);
                }
            }
            double[] x = sorted.stream().mapToDouble(Kernel::intensity).toArray();
            double[] y = sorted.stream().mapToDouble(k -> Math.min(PEAK_FLOPS, BANDWIDTH * k.intensity()) / 1e9)
                    .toArray();
            chart.labelled(groups[kind.ordinal()], x, y, names.toArray(String[]::new));
        }
        // The roof: min(peak, bandwidth × intensity), bending at the ridge point peak / bandwidth.
        double ridge = PEAK_FLOPS / BANDWIDTH;
        chart.series(String.format(Locale.ROOT, "roof: min(peak, bandwidth x intensity), ridge at %.0f FLOP/B", ridge),
                new double[] {0.05, ridge, 1000}, new double[] {BANDWIDTH * 0.05 / 1e9, PEAK_FLOPS / 1e9,
                    PEAK_FLOPS / 1e9});
        chart.save(folder.resolve("roofline.png"));
        System.out.println("wrote roofline.png in " + folder);
    }

    /** The kernels sorted by intensity, with neighbours less than 25 % apart in one cluster. */
    private static List<List<Kernel>> clusters(List<Kernel> kernels) {
        List<Kernel> sorted = kernels.stream().sorted(java.util.Comparator.comparingDouble(Kernel::intensity)).toList();
        List<List<Kernel>> out = new ArrayList<>();
        for (Kernel k : sorted) {
            List<Kernel> last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && k.intensity() < 1.25 * last.get(last.size() - 1).intensity()) {
                last.add(k);
            } else {
                out.add(new ArrayList<>(List.of(k)));
            }
        }
        return out;
    }

    /** A kernel's name short enough to write beside its point. */
    private static String shortName(Kernel k) {
        return k.name().replace(" matmul", "").replace("attention ", "").replace(" x2", "")
                .replace("softmax + cross-entropy", "cross-entropy");
    }
}
