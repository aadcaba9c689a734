package dev.descent.core.bench;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.core.profile.HeapAllocation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CPU backend's fused kernels at the sizes a GPT step runs them, next to the machine's copy bandwidth measured
 * on the same number of bytes in the same run: for a memory-bound kernel, (bytes it must read and write) / time
 * against the same for a plain copy, both on all cores. Attention is compute-bound and reported in ms.
 *
 * <p>Usage, from the repository root after {@code mvn -q -pl core compile}:
 * <pre>scripts/java.sh -cp core/target/classes dev.descent.core.bench.RowKernelBenchmark [--reps N]</pre>
 * Without {@code --add-modules jdk.incubator.vector} (plain {@code java}) the backend runs its reference loops,
 * which gives the figures to compare against. Each kernel: at least 2 s of untimed calls, and more (up to 30 s) while
 * a call still allocates more than its outputs can take (half the bytes it moves, plus 1 MB): the Vector API's code
 * before the JIT's last tier boxes every vector, and on a loaded machine, where the compiler threads wait for a
 * core, 2 s can end before the kernel is compiled. Then N timed calls (default 15), interleaved with N copies of the same bytes; best and
 * median reported, and the median over the N pairs of a call's rate against the copy's right after it (the best
 * call against the best copy can set a quiet moment of one side against a busy one of the other); the least CPU time a timed call took on all threads, and the bytes per CPU second against the
 * copy's (figures other jobs on the machine change less: wall time doubles when a kernel's second thread waits
 * for a core); and the heap one more call allocates on all threads (its output tensors included): what a kernel
 * allocates beyond them is garbage made per call. Each call runs in a memory scope, as in a training step, so its
 * outputs are released into the backend's pool and the next call's come from there.
 */
public final class RowKernelBenchmark {
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final long LONGEST_WARM_UP_NANOS = 30_000_000_000L;
    /** Allocations beyond a kernel's outputs that are still taken for compiled code (small tensors, lambdas). */
    private static final long SLACK_BYTES = 1 << 20;

    private RowKernelBenchmark() {
    }

    /**
     * One timed call, and the bytes it must move at the least. The call runs in a memory scope, as a kernel does in
     * a training step: its outputs go back to the backend's pool when the scope closes, and the next call's outputs
     * come from there.
     */
    private record Kernel(String name, String shape, long bytes, Runnable call) {
        Kernel {
            Runnable kernel = call;
            call = () -> {
                try (MemoryScope step = Backends.cpu().scope()) {
                    kernel.run();
                }
            };
        }
    }

    public static void main(String[] args) throws IOException {
        int reps = args.length == 2 && args[0].equals("--reps") ? Integer.parseInt(args[1]) : 15;
        Backend cpu = Backends.cpu();
        Rng rng = new Rng(0);
        List<Kernel> kernels = new ArrayList<>();

        Tensor logits = Tensor.randn(rng, 1024, 50304);
        float[] ids = new float[1024];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7919) % 50304;
        }
        Tensor targets = Tensor.fromArray(ids, 1024);
        // in place on a copy of the logits: after the first call the rows hold p − y, which costs the same
        Tensor work = Tensor.randn(rng, 1024, 50304);
        kernels.add(new Kernel("crossEntropyInPlace", "1024 x 50304", 8L * work.numel(),
                () -> cpu.crossEntropyInPlace(work, targets, -100)));
        kernels.add(new Kernel("softmax", "1024 x 50304", 8L * logits.numel(), () -> cpu.softmax(logits, false)));

        Tensor x = Tensor.randn(rng, 4096, 768);
        Tensor gamma = Tensor.randn(rng, 768);
        Tensor beta = Tensor.randn(rng, 768);
        Backend.LayerNormResult ln = cpu.layerNorm(x, gamma, beta, 1e-5f);
        Tensor dy = Tensor.randn(rng, 4096, 768);
        kernels.add(new Kernel("layerNorm", "4096 x 768", 8L * x.numel(), () -> cpu.layerNorm(x, gamma, beta, 1e-5f)));
        kernels.add(new Kernel("layerNormBackward", "4096 x 768", 12L * x.numel(),
                () -> cpu.layerNormBackward(dy, x, gamma, ln.mean(), ln.rstd())));

        Tensor h = Tensor.randn(rng, 1024, 3072);
        kernels.add(new Kernel("gelu (tanh)", "1024 x 3072", 8L * h.numel(), () -> cpu.unary(UnaryOp.GELU_TANH, h)));
        kernels.add(new Kernel("gelu (tanh) gradient", "1024 x 3072", 8L * h.numel(),
                () -> cpu.unary(UnaryOp.GELU_TANH_GRAD, h)));

        Tensor qkv = Tensor.randn(rng, 8, 128, 3 * 128);
        Backend.AttentionResult att = cpu.attention(qkv, 4);
        Tensor dout = Tensor.randn(rng, 8, 128, 128);
        kernels.add(new Kernel("attention", "B8 T128 H4 hs32", 0, () -> cpu.attention(qkv, 4)));
        kernels.add(new Kernel("attentionBackward", "B8 T128 H4 hs32", 0,
                () -> cpu.attentionBackward(dout, qkv, att.out(), att.lse(), 4)));

        System.out.println(Machine.describe());
        System.out.println("load average before: " + Machine.loadAverage());
        System.out.println("| kernel | shape | best ms (median) | GB/s best (median) | copy GB/s, same bytes | "
                + "kernel / copy (best) | kernel / copy, median pair | CPU ms, least | per CPU s, kernel / copy | "
                + "MB allocated per call |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Kernel k : kernels) {
            System.out.println(measure(k, reps));
        }
        System.out.println("load average after: " + Machine.loadAverage());
    }

    /**
     * Untimed calls: at least 3 and 2 s, then until a call allocates no more than its outputs can take (or 30 s have
     * gone). A kernel writes at most as many bytes as it reads, so its outputs are at most half the bytes it moves.
     */
    private static void warmUp(Kernel k) {
        long start = System.nanoTime();
        for (int i = 0; ; i++) {
            HeapAllocation call = HeapAllocation.start();
            k.call.run();
            long bytes = call.bytesSince();
            long elapsed = System.nanoTime() - start;
            boolean compiled = bytes < 0 || k.bytes == 0 || bytes <= k.bytes / 2 + SLACK_BYTES;
            if (i >= 2 && elapsed >= WARM_UP_NANOS && (compiled || elapsed >= LONGEST_WARM_UP_NANOS)) {
                return;
            }
        }
    }

    private static String measure(Kernel k, int reps) {
        warmUp(k);
        float[] src = new float[(int) Math.max(1, k.bytes / 8)];
        float[] dst = new float[src.length];
        double[] ours = new double[reps];
        double[] cpu = new double[reps];
        double[] copies = new double[reps];
        double[] copyCpu = new double[reps];
        // the kernel's rate over the copy's, call by call: both see the machine of the same moment
        double[] pairs = new double[reps];
        for (int i = 0; i < reps; i++) {
            long cpuStart = Machine.cpuNanos();
            long start = System.nanoTime();
            k.call.run();
            ours[i] = (System.nanoTime() - start) * 1e-9;
            cpu[i] = (Machine.cpuNanos() - cpuStart) * 1e-9;
            cpuStart = Machine.cpuNanos();
            start = System.nanoTime();
            Copy.onAllCores(src, dst);
            copies[i] = (System.nanoTime() - start) * 1e-9;
            copyCpu[i] = (Machine.cpuNanos() - cpuStart) * 1e-9;
            pairs[i] = copies[i] / ours[i];
        }
        HeapAllocation call = HeapAllocation.start();
        k.call.run();
        long bytes = call.bytesSince();
        String allocated = bytes < 0 ? "" : String.format(Locale.ROOT, "%.1f", bytes * 1e-6);
        Arrays.sort(ours);
        Arrays.sort(cpu);
        Arrays.sort(copies);
        Arrays.sort(copyCpu);
        Arrays.sort(pairs);
        double best = ours[0];
        double median = ours[reps / 2];
        if (k.bytes == 0) {
            return String.format(Locale.ROOT, "| %s | %s | %.2f (%.2f) | | | | | %.2f | | %s |", k.name, k.shape,
                    best * 1e3, median * 1e3, cpu[0] * 1e3, allocated);
        }
        double copyRate = 8.0 * src.length / copies[0] * 1e-9;
        return String.format(Locale.ROOT,
                "| %s | %s | %.2f (%.2f) | %.1f (%.1f) | %.1f | %.2f | %.2f | %.2f | %.2f | %s |",
                k.name, k.shape, best * 1e3, median * 1e3, k.bytes / best * 1e-9, k.bytes / median * 1e-9, copyRate,
                k.bytes / best * 1e-9 / copyRate, pairs[reps / 2] * k.bytes / (8.0 * src.length), cpu[0] * 1e3,
                copyCpu[0] / cpu[0], allocated);
    }
}
