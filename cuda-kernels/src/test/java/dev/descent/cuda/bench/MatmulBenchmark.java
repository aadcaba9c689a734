package dev.descent.cuda.bench;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.kernels.matmul.CublasMatmul;
import dev.descent.cuda.kernels.matmul.MatmulConfig;
import dev.descent.cuda.kernels.matmul.MatmulEngine;
import dev.descent.cuda.kernels.matmul.MatmulV7Tile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times every matmul version in every tile configuration against cuBLAS SGEMM, after checking each against the CPU
 * reference. Problems: 1024³, 4096³ and the GPT-2 124M products at B·T = 2048 rows (qkv 768→2304, attention
 * projection 768→768, MLP 768→3072 and 3072→768, classifier 768→50304), and the GPT-2 products with a transposed
 * operand as training runs them (the classifier x·Wᵀ and its dW = dZᵀ·x, an MLP weight gradient xᵀ·dY): there v7
 * reads the operand in place, v1 to v6 need the backend's transposed copy first (timed with it, through
 * {@code gpu.matmul}). Prints GFLOP/s (2·M·N·K per product) and the percentage of cuBLAS. {@code --quick} skips
 * 4096³ and the non-default tile sizes. Exits 1 without a GPU.
 */
public final class MatmulBenchmark {
    private record Problem(String name, int m, int k, int n, boolean transA, boolean transB) {
        Problem(String name, int m, int k, int n) {
            this(name, m, k, n, false, false);
        }

        double gflop() {
            return 2.0 * m * n * k / 1e9;
        }

        boolean transposed() {
            return transA || transB;
        }
    }

    private static final List<Problem> PROBLEMS = List.of(new Problem("1024^3", 1024, 1024, 1024),
            new Problem("4096^3", 4096, 4096, 4096), new Problem("gpt2 qkv", 2048, 768, 2304),
            new Problem("gpt2 attn proj", 2048, 768, 768), new Problem("gpt2 mlp fc", 2048, 768, 3072),
            new Problem("gpt2 mlp proj", 2048, 3072, 768), new Problem("gpt2 lm head", 2048, 768, 50304),
            new Problem("gpt2 x.W^T head", 2048, 768, 50304, false, true),
            new Problem("gpt2 dZ^T.x head", 50304, 2048, 768, true, false),
            new Problem("gpt2 x^T.dY fc", 768, 2048, 3072, true, false));

    private MatmulBenchmark() {
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        CudaBackend gpu = CudaTimer.backendOrExit("MatmulBenchmark");
        CudaTimer timer = new CudaTimer(gpu);
        System.out.println("device: " + gpu.deviceInfo());
        CublasMatmul cublas = null;
        try {
            cublas = gpu.matmuls().cublas();
        } catch (CudaUnavailableException e) {
            System.out.println("cuBLAS baseline skipped: " + e.getMessage());
        }
        List<MatmulConfig> configs = new ArrayList<>();
        for (MatmulEngine v : MatmulEngine.values()) {
            if (v.tiledByMacros()) {
                configs.addAll(quick ? List.of(MatmulConfig.defaults(v)) : MatmulConfig.variants(v));
            }
        }
        List<MatmulConfig> correct = check(gpu, cublas, configs);
        System.out.printf(Locale.ROOT, "%n%-16s %-30s %10s %10s %9s%n", "problem", "engine", "ms", "GFLOP/s", "% cuBLAS");
        for (Problem p : PROBLEMS) {
            if (quick && p.name().equals("4096^3")) {
                continue;
            }
            try (MemoryScope scope = gpu.scope()) {
                Tensor a = gpu.randn(p.transA() ? Shape.of(p.k(), p.m()) : Shape.of(p.m(), p.k()), new Rng(1));
                Tensor b = gpu.randn(p.transB() ? Shape.of(p.n(), p.k()) : Shape.of(p.k(), p.n()), new Rng(2));
                Tensor c = gpu.full(Shape.of(p.m(), p.n()), 0f);
                double baseline = Double.NaN;
                if (cublas != null) {
                    CublasMatmul blas = cublas;
                    double ms = timer.millisPerRun(() -> blas.gemm(p.transA(), p.transB(), p.m(), p.n(), p.k(), 1, a, 0,
                            b, 0, c, 0));
                    baseline = p.gflop() / (ms / 1e3);
                    row(p.name(), "cublas", ms, baseline, 100.0);
                }
                List<Timed> timed = new ArrayList<>();
                for (MatmulV7Tile tile : MatmulV7Tile.values()) {
                    timed.add(new Timed(tile.label() + (tile == MatmulV7Tile.choose(p.m(), p.n(), 1,
                            gpu.deviceInfo().multiprocessors()) ? " (chosen)" : ""), () -> gpu.matmuls().multiply(tile,
                            p.m(), p.n(), p.k(), 1, a, b, c, 0, 0, 0, p.transA(), p.transB())));
                }
                if (p.transposed()) {
                    MatmulEngine v6 = MatmulEngine.V6_VECTORIZED;
                    timed.add(new Timed("v6 + transposed copy", () -> gpu.matmul(v6, a, b, p.transA(), p.transB())
                            .storage().release()));
                } else {
                    for (MatmulConfig cfg : correct) {
                        timed.add(new Timed(cfg.label(), () -> gpu.matmuls().multiply(cfg, p.m(), p.n(), p.k(), 1, a,
                                b, c, 0, 0, 0)));
                    }
                }
                String best = null;
                double bestRate = 0;
                for (Timed t : timed) {
                    double ms = timer.millisPerRun(t.run());
                    double rate = p.gflop() / (ms / 1e3);
                    row(p.name(), t.label(), ms, rate, 100.0 * rate / baseline);
                    if (rate > bestRate) {
                        bestRate = rate;
                        best = t.label();
                    }
                }
                String share = Double.isNaN(baseline) ? ""
                        : String.format(Locale.ROOT, ", %.1f%% of cuBLAS", 100 * bestRate / baseline);
                System.out.printf(Locale.ROOT, "%-16s fastest hand-written: %s (%.1f GFLOP/s%s)%n", p.name(), best,
                        bestRate, share);
            }
        }
    }

    private record Timed(String label, Runnable run) {
    }

    /** Each configuration (and cuBLAS) on a shape that fills no tile, against the CPU; returns the correct ones. */
    @SuppressWarnings("try")
    private static List<MatmulConfig> check(CudaBackend gpu, CublasMatmul cublas, List<MatmulConfig> configs) {
        int m = 513;
        int k = 257;
        int n = 129;
        Tensor a = Backends.cpu().randn(Shape.of(m, k), new Rng(3));
        Tensor b = Backends.cpu().randn(Shape.of(k, n), new Rng(4));
        float[] want = Backends.cpu().matmul(a, b, false, false).toArray();
        List<MatmulConfig> correct = new ArrayList<>();
        System.out.println("correctness vs the CPU reference at M " + m + ", K " + k + ", N " + n + ":");
        try (MemoryScope scope = gpu.scope()) {
            Tensor ga = a.to(gpu);
            Tensor gb = b.to(gpu);
            Tensor c = gpu.full(Shape.of(m, n), Float.NaN);
            if (cublas != null) {
                cublas.gemm(false, false, m, n, k, 1, ga, 0, gb, 0, c, 0);
                report("cublas", want, c.toArray(), k);
            }
            for (MatmulConfig cfg : configs) {
                gpu.matmuls().multiply(cfg, m, n, k, 1, ga, gb, c, 0, 0, 0);
                if (report(cfg.label(), want, c.toArray(), k)) {
                    correct.add(cfg);
                }
            }
            Tensor gaT = a.transpose().to(gpu);
            Tensor gbT = b.transpose().to(gpu);
            for (MatmulV7Tile tile : MatmulV7Tile.values()) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    gpu.matmuls().multiply(tile, m, n, k, 1, ta ? gaT : ga, tb ? gbT : gb, c, 0, 0, 0, ta, tb);
                    report(tile.label() + (ta ? " transA" : "") + (tb ? " transB" : ""), want, c.toArray(), k);
                }
            }
        }
        return correct;
    }

    private static boolean report(String label, float[] want, float[] got, int k) {
        double worst = 0;
        boolean ok = true;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            worst = Double.isNaN(err) ? Double.NaN : Math.max(worst, err);
            ok &= err <= 1e-5 * k + 1e-4 * Math.abs(want[i]);
        }
        System.out.printf(Locale.ROOT, "  %-30s max |error| %.3g  %s%n", label, worst,
                ok ? "ok" : "WRONG (left out of the timings)");
        return ok;
    }

    private static void row(String problem, String engine, double ms, double gflops, double pctOfCublas) {
        System.out.printf(Locale.ROOT, "%-16s %-30s %10.3f %10.1f %9s%n", problem, engine, ms, gflops,
                Double.isNaN(pctOfCublas) ? "n/a" : String.format(Locale.ROOT, "%.1f", pctOfCublas));
    }
}
