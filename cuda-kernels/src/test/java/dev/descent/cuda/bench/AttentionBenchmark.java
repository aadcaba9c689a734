package dev.descent.cuda.bench;

import dev.descent.core.Backend.AttentionResult;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.kernels.AttentionVersion;
import dev.descent.cuda.kernels.CudaAttention;
import java.util.List;
import java.util.Locale;

/**
 * Times each attention version, forward and backward, at GPT-2 sizes (2 × 1024 tokens, 12 heads of 64, and 16 heads
 * of 128 for the second head-size class), after checking every version against the CPU reference at odd sizes.
 * GFLOP/s count the work of causal attention as flash-attention papers do: forward 2·B·H·T²·hs (two T×T×hs
 * products, half of each under the causal mask), backward 2.5 times that. Exits 1 without a GPU or when a check fails.
 */
public final class AttentionBenchmark {
    private record Problem(String name, int b, int t, int heads, int hs) {
        double forwardGflop() {
            return 2.0 * b * heads * (double) t * t * hs / 1e9;
        }
    }

    private static final List<Problem> PROBLEMS = List.of(new Problem("gpt2 B2 T1024 H12 hs64", 2, 1024, 12, 64),
            new Problem("B2 T1024 H16 hs128", 2, 1024, 16, 128));

    private AttentionBenchmark() {
    }

    public static void main(String[] args) {
        CudaBackend gpu = CudaTimer.backendOrExit("AttentionBenchmark");
        CudaTimer timer = new CudaTimer(gpu);
        CudaAttention attention = gpu.attentions();
        System.out.println("device: " + gpu.deviceInfo());
        boolean correct = check(gpu);
        System.out.printf(Locale.ROOT, "%n%-24s %-18s %-9s %9s %9s%n", "problem", "version", "pass", "ms", "GFLOP/s");
        for (Problem p : PROBLEMS) {
            try (MemoryScope scope = gpu.scope()) {
                Tensor qkv = gpu.randn(Shape.of(p.b(), p.t(), 3 * p.heads() * p.hs()), new Rng(1));
                Tensor dout = gpu.randn(Shape.of(p.b(), p.t(), p.heads() * p.hs()), new Rng(2));
                for (AttentionVersion v : AttentionVersion.values()) {
                    double fwd = timer.millisPerRun(() -> {
                        AttentionResult r = attention.forward(v, qkv, p.heads());
                        r.out().storage().release();
                        r.lse().storage().release();
                    });
                    row(p.name(), v.name(), "forward", fwd, p.forwardGflop());
                    AttentionResult r = attention.forward(v, qkv, p.heads());
                    double bwd = timer.millisPerRun(() -> attention.backward(v, dout, qkv, r.out(), r.lse(), p.heads())
                            .storage().release());
                    row(p.name(), v.name(), "backward", bwd, 2.5 * p.forwardGflop());
                }
            }
        }
        if (!correct) {
            System.out.println("\nSOME VERSIONS WERE WRONG (see the check above)");
            System.exit(1);
        }
    }

    /** Every version against the CPU at sizes that fill no tile, both head-size classes. */
    private static boolean check(CudaBackend gpu) {
        boolean all = true;
        for (int[] s : new int[][] {{2, 77, 3, 64}, {1, 129, 2, 100}}) {
            Tensor qkv = Backends.cpu().randn(Shape.of(s[0], s[1], 3 * s[2] * s[3]), new Rng(3));
            Tensor dout = Backends.cpu().randn(Shape.of(s[0], s[1], s[2] * s[3]), new Rng(4));
            AttentionResult want = Backends.cpu().attention(qkv, s[2]);
            Tensor wantGrad = Backends.cpu().attentionBackward(dout, qkv, want.out(), want.lse(), s[2]);
            try (MemoryScope scope = gpu.scope()) {
                for (AttentionVersion v : AttentionVersion.values()) {
                    AttentionResult got = gpu.attentions().forward(v, qkv.to(gpu), s[2]);
                    Tensor grad = gpu.attentions().backward(v, dout.to(gpu), qkv.to(gpu), got.out(), got.lse(), s[2]);
                    double eOut = Compare.maxAbsError(want.out(), got.out());
                    double eGrad = Compare.maxAbsError(wantGrad, grad);
                    boolean ok = eOut <= 1e-4 && eGrad <= 1e-3;
                    all &= ok;
                    System.out.printf(Locale.ROOT, "check %-16s (B %d, T %d, heads %d, hs %d): max |error| out %.3g, "
                            + "dqkv %.3g %s%n", v.name(), s[0], s[1], s[2], s[3], eOut, eGrad, ok ? "ok" : "WRONG");
                }
            }
        }
        return all;
    }

    private static void row(String problem, String version, String pass, double ms, double gflop) {
        System.out.printf(Locale.ROOT, "%-24s %-18s %-9s %9.3f %9.1f%n", problem, version, pass, ms, gflop / (ms / 1e3));
    }
}
