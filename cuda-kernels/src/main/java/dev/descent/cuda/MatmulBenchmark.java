package dev.descent.cuda;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times every matmul version in every tile configuration against cuBLAS SGEMM, after checking each against the CPU
 * reference. Problems: 1024³, 4096³ and the GPT-2 124M products at B·T = 2048 rows (qkv 768→2304, attention
 * projection 768→768, MLP 768→3072 and 3072→768, classifier 768→50304). Prints GFLOP/s (2·M·N·K per product) and
 * the percentage of cuBLAS. {@code --quick} skips 4096³ and the non-default tile sizes. Exits 1 without a GPU.
 */
public final class MatmulBenchmark {
    private record Problem(String name, int m, int k, int n) {
        double gflop() {
            return 2.0 * m * n * k / 1e9;
        }
    }

    private static final List<Problem> PROBLEMS = List.of(new Problem("1024^3", 1024, 1024, 1024),
            new Problem("4096^3", 4096, 4096, 4096), new Problem("gpt2 qkv", 2048, 768, 2304),
            new Problem("gpt2 attn proj", 2048, 768, 768), new Problem("gpt2 mlp fc", 2048, 768, 3072),
            new Problem("gpt2 mlp proj", 2048, 3072, 768), new Problem("gpt2 lm head", 2048, 768, 50304));

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
            if (v != MatmulEngine.CUBLAS) {
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
                Tensor a = gpu.randn(Shape.of(p.m(), p.k()), new Rng(1));
                Tensor b = gpu.randn(Shape.of(p.k(), p.n()), new Rng(2));
                Tensor c = gpu.full(Shape.of(p.m(), p.n()), 0f);
                double baseline = Double.NaN;
                if (cublas != null) {
                    CublasMatmul blas = cublas;
                    double ms = timer.millisPerRun(() -> blas.gemm(false, false, p.m(), p.n(), p.k(), 1, a, 0, b, 0, c, 0));
                    baseline = p.gflop() / (ms / 1e3);
                    row(p.name(), "cublas", ms, baseline, 100.0);
                }
                String best = null;
                double bestRate = 0;
                for (MatmulConfig cfg : correct) {
                    double ms = timer.millisPerRun(() -> gpu.matmuls().multiply(cfg, p.m(), p.n(), p.k(), 1, a, b, c, 0, 0, 0));
                    double rate = p.gflop() / (ms / 1e3);
                    row(p.name(), cfg.label(), ms, rate, 100.0 * rate / baseline);
                    if (rate > bestRate) {
                        bestRate = rate;
                        best = cfg.label();
                    }
                }
                String share = Double.isNaN(baseline) ? ""
                        : String.format(Locale.ROOT, ", %.1f%% of cuBLAS", 100 * bestRate / baseline);
                System.out.printf(Locale.ROOT, "%-16s fastest hand-written: %s (%.1f GFLOP/s%s)%n", p.name(), best,
                        bestRate, share);
            }
        }
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
