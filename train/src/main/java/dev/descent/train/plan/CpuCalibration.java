package dev.descent.train.plan;

import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPTConfig;
import java.util.Locale;

/**
 * The CPU's training speed, measured in a second instead of looked up: no table can know a CPU's sustained rate.
 * It times the model's own matmuls, forward, on the backend: a block's four (C→3C, C→C, C→4C, 4C→C) and the
 * classifier (C→V, on at most {@value #HEAD_ROWS} rows of the vocabulary: the rate, not the time, is what is kept),
 * on at most {@value #ROWS} tokens, each timed over repeated passes. The rate for the model is the two
 * mixed by their FLOPs per token: 1 / rate = (share of blocks) / block rate + (share of the head) / head rate.
 *
 * <p>A training step reaches only part of that rate: the backward's matmuls read transposed operands, and softmax,
 * GELU, LayerNorm, cross-entropy and AdamW are not matmuls. {@link #EFFICIENCY} is that part, measured.
 *
 * @param blockRate the block's matmuls, FLOP/s
 * @param headRate  the classifier's matmul, FLOP/s
 * @param rate      the two mixed for the model: FLOP/s of matmul arithmetic at the model's shapes
 * @param seconds   how long the calibration took
 */
public record CpuCalibration(double blockRate, double headRate, double rate, double seconds) {
    static final int ROWS = 256;
    static final int HEAD_ROWS = 8192;
    /** Timing passes last at least this long, after as long again of warm-up (the JIT compiles the kernel). */
    private static final long PASS_NANOS = 300_000_000L;

    /**
     * Training steps reach this share of the calibrated rate, as measured on descent's 2-core build machine (AMD
     * EPYC, KVM guest, JDK 17) on 2026-12-06, in three runs of {@code CpuEfficiencyBenchmark} (train's tests) while
     * other builds loaded it to between 1 and 7: seven GPTs, widths 32 to 768 and vocabularies 2,048 to 50,257 up to
     * GPT-2 124M itself, reached 27% to 91% of their calibration (median 39%; GPT-2 124M at 1 × 256: 54% and 60%),
     * docs/PERFORMANCE.md has the runs. 50%, the geometric middle of that range, puts the estimate within a factor
     * of 1.9 of every measured step there (GPT-2 124M's 1.1 to 1.2 times faster than estimated); expect a factor of
     * 2 on other machines.
     */
    public static final double EFFICIENCY = 0.5;
    /** Where {@link #EFFICIENCY} comes from, for the plan's output. */
    public static final String EFFICIENCY_SOURCE = "descent on the CPU reaches 50% of the calibrated matmul rate: "
            + "measured on a 2-core AMD EPYC (KVM guest), 2026-12-06, seven GPTs of widths 32 to 768 (GPT-2 124M "
            + "among them) at 27-91% (docs/PERFORMANCE.md); expect the estimate within a factor of 2";

    /** Times {@code model}'s matmuls on {@code backend} for micro-batches of {@code tokens} tokens (B·T). */
    @SuppressWarnings("try")
    public static CpuCalibration measure(Backend backend, GPTConfig model, int seqLen, int tokens) {
        long start = System.nanoTime();
        int rows = Math.min(tokens, ROWS);
        int c = model.width();
        try (MemoryScope all = backend.scope()) {
            Tensor x = backend.full(Shape.of(rows, c), 0.01f);
            Tensor h = backend.full(Shape.of(rows, 4 * c), 0.01f);
            Tensor[] block = {backend.full(Shape.of(3 * c, c), 0.01f), backend.full(Shape.of(c, c), 0.01f),
                backend.full(Shape.of(4 * c, c), 0.01f), backend.full(Shape.of(c, 4 * c), 0.01f)};
            Tensor head = backend.full(Shape.of(Math.min(model.vocabSize(), HEAD_ROWS), c), 0.01f);
            double blockFlops = 2.0 * rows * 12 * c * c;
            double headFlops = 2.0 * rows * c * head.shape().dim(0);
            Runnable blockPass = () -> {
                for (int i = 0; i < 4; i++) {
                    backend.matmul(i == 3 ? h : x, block[i], false, true);
                }
            };
            Runnable headPass = () -> backend.matmul(x, head, false, true);
            double blockRate = blockFlops / meanPass(backend, blockPass);
            double headRate = headFlops / meanPass(backend, headPass);
            // FLOPs per token of the blocks (their matmuls and attention) and of the head, forward and backward
            double blocks = 72.0 * model.layers() * c * c + 6.0 * model.layers() * c * seqLen;
            double classifier = 6.0 * model.vocabSize() * c;
            double rate = (blocks + classifier) / (blocks / blockRate + classifier / headRate);
            return new CpuCalibration(blockRate, headRate, rate, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Seconds per pass of {@code pass}: the mean over passes lasting at least {@link #PASS_NANOS} (and at least 3),
     * after as long again of warm-up. The mean, not the fastest pass: on a machine shared with other work, a step of
     * training meets the same contention as the mean pass, while the fastest pass is one that met none.
     */
    @SuppressWarnings("try")
    private static double meanPass(Backend backend, Runnable pass) {
        long warm = System.nanoTime() + PASS_NANOS;
        do {
            try (MemoryScope temps = backend.scope()) {
                pass.run();
            }
        } while (System.nanoTime() < warm);
        long start = System.nanoTime();
        int n = 0;
        while (n < 3 || System.nanoTime() - start < PASS_NANOS) {
            try (MemoryScope temps = backend.scope()) {
                pass.run();
            }
            n++;
        }
        return (System.nanoTime() - start) / 1e9 / n;
    }

    /** "the model's matmuls ran at 14.6 GFLOP/s (blocks 16.0, classifier 13.9), measured in 1.3 s". */
    public String describe() {
        return String.format(Locale.ROOT, "the model's matmuls ran at %.1f GFLOP/s just now (blocks %.1f, classifier "
                + "%.1f), measured in %.1f s", rate / 1e9, blockRate / 1e9, headRate / 1e9, seconds);
    }
}
