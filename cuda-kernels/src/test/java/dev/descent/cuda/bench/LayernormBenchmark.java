package dev.descent.cuda.bench;

import dev.descent.core.Backend.LayerNormResult;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaBackend;
import java.util.List;
import java.util.Locale;

/**
 * Times layer norm forward and backward on GPT-2-sized activations, after checking both against the CPU reference,
 * and prints effective bandwidth (forward: read x, write y; backward: read dy and x, write dx; the small per-row and
 * per-column vectors are left out) in GB/s and as a percentage of the measured device-to-device copy bandwidth. Then
 * the residual fusion beside what it replaces: h = x + a with y = layerNorm(h) in one kernel (read x, a; write h, y)
 * against an add and a layer norm, and the backward adding dx into the residual gradient (read dy, x, dh; write dh)
 * against a backward and an add. Exits 1 without a GPU.
 */
public final class LayernormBenchmark {
    private record Problem(String name, int rows, int cols) {
    }

    private static final List<Problem> PROBLEMS = List.of(new Problem("B2 T1024 C768", 2048, 768),
            new Problem("B8 T1024 C768", 8192, 768), new Problem("B2 T1024 C1600", 2048, 1600));

    private LayernormBenchmark() {
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        CudaBackend gpu = CudaTimer.backendOrExit("LayernormBenchmark");
        CudaTimer timer = new CudaTimer(gpu);
        System.out.println("device: " + gpu.deviceInfo());
        boolean correct = check(gpu);
        double copy = timer.copyBandwidthGBs(256L << 20);
        System.out.printf(Locale.ROOT, "device-to-device copy: %.1f GB/s%n%n%-16s %-10s %9s %9s %7s%n", copy, "problem",
                "pass", "ms", "GB/s", "% copy");
        for (Problem p : PROBLEMS) {
            try (MemoryScope scope = gpu.scope()) {
                Tensor x = gpu.randn(Shape.of(p.rows(), p.cols()), new Rng(1));
                Tensor gamma = gpu.randn(Shape.of(p.cols()), new Rng(2));
                Tensor beta = gpu.randn(Shape.of(p.cols()), new Rng(3));
                Tensor dy = gpu.randn(Shape.of(p.rows(), p.cols()), new Rng(4));
                double bytes = 4.0 * p.rows() * p.cols();
                double fwd = timer.millisPerRun(() -> {
                    LayerNormResult r = gpu.layerNorm(x, gamma, beta, 1e-5f);
                    r.y().storage().release();
                    r.mean().storage().release();
                    r.rstd().storage().release();
                });
                row(p.name(), "forward", fwd, 2 * bytes, copy);
                LayerNormResult r = gpu.layerNorm(x, gamma, beta, 1e-5f);
                double bwd = timer.millisPerRun(() -> {
                    var g = gpu.layerNormBackward(dy, x, gamma, r.mean(), r.rstd());
                    g.dx().storage().release();
                    g.dgamma().storage().release();
                    g.dbeta().storage().release();
                });
                row(p.name(), "backward", bwd, 3 * bytes, copy);
                Tensor a = gpu.randn(Shape.of(p.rows(), p.cols()), new Rng(5));
                Tensor dh = gpu.randn(Shape.of(p.rows(), p.cols()), new Rng(6));
                row(p.name(), "res+fwd", timer.millisPerRun(() -> {
                    try (MemoryScope run = gpu.scope()) {
                        gpu.residualLayerNorm(x, a, gamma, beta, 1e-5f);
                    }
                }), 4 * bytes, copy);
                row(p.name(), "add, fwd", timer.millisPerRun(() -> {
                    try (MemoryScope run = gpu.scope()) {
                        gpu.layerNorm(gpu.binary(BinaryOp.ADD, x, a), gamma, beta, 1e-5f);
                    }
                }), 4 * bytes, copy);
                row(p.name(), "bwd into", timer.millisPerRun(() -> {
                    try (MemoryScope run = gpu.scope()) {
                        gpu.layerNormBackwardInto(dh, dy, x, gamma, r.mean(), r.rstd());
                    }
                }), 4 * bytes, copy);
                row(p.name(), "bwd, add", timer.millisPerRun(() -> {
                    try (MemoryScope run = gpu.scope()) {
                        gpu.addInto(dh, gpu.layerNormBackward(dy, x, gamma, r.mean(), r.rstd()).dx());
                    }
                }), 4 * bytes, copy);
            }
        }
        if (!correct) {
            System.out.println("\nLAYER NORM WAS WRONG (see the check above)");
            System.exit(1);
        }
    }

    @SuppressWarnings("try")
    private static boolean check(CudaBackend gpu) {
        int rows = 333;
        int c = 768;
        Tensor x = Backends.cpu().randn(Shape.of(rows, c), new Rng(5));
        Tensor gamma = Backends.cpu().randn(Shape.of(c), new Rng(6));
        Tensor beta = Backends.cpu().randn(Shape.of(c), new Rng(7));
        Tensor dy = Backends.cpu().randn(Shape.of(rows, c), new Rng(8));
        LayerNormResult want = Backends.cpu().layerNorm(x, gamma, beta, 1e-5f);
        var wantGrads = Backends.cpu().layerNormBackward(dy, x, gamma, want.mean(), want.rstd());
        try (MemoryScope scope = gpu.scope()) {
            LayerNormResult got = gpu.layerNorm(x.to(gpu), gamma.to(gpu), beta.to(gpu), 1e-5f);
            var gotGrads = gpu.layerNormBackward(dy.to(gpu), x.to(gpu), gamma.to(gpu), got.mean(), got.rstd());
            double e1 = Compare.maxAbsError(want.y(), got.y());
            double e2 = Compare.maxAbsError(wantGrads.dx(), gotGrads.dx());
            double e3 = Math.max(Compare.maxAbsError(wantGrads.dgamma(), gotGrads.dgamma()),
                    Compare.maxAbsError(wantGrads.dbeta(), gotGrads.dbeta()));
            Tensor a = Backends.cpu().randn(Shape.of(rows, c), new Rng(9));
            var wantResidual = Backends.cpu().residualLayerNorm(x, a, gamma, beta, 1e-5f);
            var gotResidual = gpu.residualLayerNorm(x.to(gpu), a.to(gpu), gamma.to(gpu), beta.to(gpu), 1e-5f);
            Tensor gotInto = a.to(gpu);
            gpu.layerNormBackwardInto(gotInto, dy.to(gpu), x.to(gpu), gamma.to(gpu), got.mean(), got.rstd());
            Tensor wantInto = a.copy();
            Backends.cpu().layerNormBackwardInto(wantInto, dy, x, gamma, want.mean(), want.rstd());
            double e4 = Math.max(Compare.maxAbsError(wantResidual.sum(), gotResidual.sum()),
                    Compare.maxAbsError(wantResidual.y(), gotResidual.y()));
            double e5 = Compare.maxAbsError(wantInto, gotInto);
            boolean ok = e1 <= 1e-4 && e2 <= 1e-4 && e3 <= 1e-2 && e4 <= 1e-4 && e5 <= 1e-4;
            System.out.printf(Locale.ROOT, "check (%d, %d): max |error| y %.3g, dx %.3g, dgamma/dbeta %.3g, residual h "
                    + "and y %.3g, dx added into a residual %.3g %s%n", rows, c, e1, e2, e3, e4, e5, ok ? "ok" : "WRONG");
            return ok;
        }
    }

    private static void row(String problem, String pass, double ms, double bytes, double copy) {
        double gbs = bytes / (ms * 1e6);
        System.out.printf(Locale.ROOT, "%-16s %-10s %9.3f %9.1f %7.1f%n", problem, pass, ms, gbs, 100 * gbs / copy);
    }
}
