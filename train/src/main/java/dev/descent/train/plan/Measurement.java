package dev.descent.train.plan;

import dev.descent.nn.gpt.GPTConfig;
import java.util.List;
import java.util.Locale;

/**
 * A training throughput measured on a GPU, turned into an efficiency: MFU = tokens/s × FLOPs per token
 * ({@link Flops}) / the card's fp32 peak. The planner multiplies another card's peak by it, which assumes the
 * efficiency carries over; where no measurement on that card exists, the plan says so. The runs below were made at
 * commit ecff219, before the block fusions and the fused optimizer step, which wait for a GPU to be timed: until
 * then the plan prices descent at that speed.
 *
 * @param label           whose training: descent with which matmul, or PyTorch
 * @param card            the card it ran on
 * @param date            when
 * @param tokensPerSecond the best of the measured runs
 * @param detail          the range over runs and how it was measured
 */
public record Measurement(String label, Card card, String date, double tokensPerSecond, String detail) {
    /** The model of every measurement below: GPT-2 124M, vocabulary padded to 50,304, micro-batch 2 × 1024, fp32. */
    public static final GPTConfig GPT2 = GPTConfig.gpt2Small().withVocabPaddedTo(64);
    public static final int SEQ_LEN = 1024;
    private static final Card H100 = Card.named("h100").orElseThrow();
    private static final String HOW = "GPT-2 124M, micro-batch 2 x 1024, fp32, commit ecff219, scripts/gpu/run.sh";

    /** descent as it trains by default (the hand-written matmul kernels, v6). */
    public static final Measurement DESCENT = new Measurement("descent, default matmul", H100, "2026-12-06", 5882,
            "5,818-5,882 tokens/s, " + HOW + " (train step)");
    /** descent with cuBLAS for the matmuls ({@code DESCENT_MATMUL=cublas}). */
    public static final Measurement DESCENT_CUBLAS = new Measurement("descent, cuBLAS matmul", H100, "2026-12-06",
            7059, "6,611-7,059 tokens/s, " + HOW + " (train step, DESCENT_MATMUL=cublas)");
    /** PyTorch eager on the same card and shapes, TF32 off: what the hardware gives a mature framework in fp32. */
    public static final Measurement PYTORCH = new Measurement("PyTorch eager fp32", H100, "2026-12-06", 43376,
            "43,376 tokens/s, " + HOW + " (torch step: torch_baseline.py, TF32 off)");
    /** The three, descent's default first: the planner's estimate is the first. */
    public static final List<Measurement> GPU = List.of(DESCENT, DESCENT_CUBLAS, PYTORCH);

    /** The measured share of the card's fp32 peak. */
    public double mfu() {
        return tokensPerSecond * Flops.perToken(GPT2, SEQ_LEN) / card.peakFlops();
    }

    /** "descent, default matmul: 7.1% MFU measured on H100 SXM5 80GB, 2026-12-06 (5,818-5,882 tokens/s, ...)". */
    public String describe() {
        return String.format(Locale.ROOT, "%s: %.1f%% MFU measured on %s, %s (%s)", label, 100 * mfu(), card.name(),
                date, detail);
    }
}
