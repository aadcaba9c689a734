package dev.descent.lessons.flops;

import dev.descent.lessons.Gtx1070Ti;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Mfu;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 28: the arithmetic of training GPT-2 124M. Count the FLOPs one token costs from the matmul shapes, check
 * the count against the 6N + 6LCT estimate that descent's {@link Mfu} uses, and turn it into time: tokens per
 * second, seconds per optimizer step and days per billion tokens on a GTX 1070 Ti at a given MFU.
 */
public final class Main {
    static final GPTConfig GPT2 = Gtx1070Ti.GPT2;
    static final int SEQ = Gtx1070Ti.SEQ_LEN;
    static final double[] MFUS = {1.0, 0.5, 0.4, 0.25};

    /** One kind of matmul in the forward pass and the FLOPs it costs per token. */
    record Term(String name, String formula, double flops) {
    }

    /**
     * Forward FLOPs per token, from the matmul shapes. A matmul of (m×k) by (k×n) costs 2mkn FLOPs (a multiply and
     * an add per term), so per token every weight of a matmul costs 2 FLOPs: per block qkv 3C², projection C²,
     * MLP 4C² + 4C², and the tied head C·V. Attention multiplies activations, not weights: q·kᵀ and p·v cost
     * 2·T·C each per block, of which the causal mask makes half useful. Position embeddings, biases and
     * LayerNorms are not matmuls and are left out.
     */
    static List<Term> forwardFlopsPerToken(GPTConfig m, int t) {
        double c = m.width();
        double layers = m.layers();
        return List.of(
                new Term("qkv", "2·3C²·L", 2 * 3 * c * c * layers),
                new Term("attention projection", "2·C²·L", 2 * c * c * layers),
                new Term("MLP, two matmuls", "2·8C²·L", 2 * 8 * c * c * layers),
                new Term("classifier (tied wte)", "2·C·V", 2 * c * m.vocabSize()),
                new Term("attention q·kᵀ and p·v", "(2·2·T·C)/2·L", 2 * 2 * t * c / 2 * layers));
    }

    /** Seconds for an optimizer step of {@code tokens} tokens at a given MFU on a card of {@code peak} FLOP/s. */
    static double secondsPerStep(long tokens, double flopsPerToken, double peak, double mfu) {
        return tokens * flopsPerToken / (peak * mfu);
    }

    public static void main(String[] args) {
        long n = GPT.parameterCount(GPT2);
        System.out.printf(Locale.ROOT, "forward FLOPs per token of GPT-2 124M (vocab %d, T = %d, C = %d, L = %d), "
                + "from the matmul shapes:%n", GPT2.vocabSize(), SEQ, GPT2.width(), GPT2.layers());
        double forward = 0;
        for (Term term : forwardFlopsPerToken(GPT2, SEQ)) {
            forward += term.flops();
            System.out.printf(Locale.ROOT, "  %-26s %-15s %7.1f MFLOP%n", term.name(), term.formula(),
                    term.flops() / 1e6);
        }
        double byHand = TrainingFlops.perToken(GPT2, SEQ);
        double estimate = Mfu.flopsPerToken(n, GPT2.layers(), GPT2.width(), SEQ);
        System.out.printf(Locale.ROOT, "  forward                                    %7.1f MFLOP%n", forward / 1e6);
        System.out.printf(Locale.ROOT, "training = 3 x forward: %.4g FLOPs per token; 6N + 6LCT with N = %,d "
                + "(Mfu.flopsPerToken): %.4g; ratio %.4f%n", byHand, n, estimate, byHand / estimate);

        long tokens = Gtx1070Ti.TOKENS_PER_STEP;
        double peak = Gtx1070Ti.PEAK_FLOPS;
        System.out.printf(Locale.ROOT, "GTX 1070 Ti: %.2f TFLOP/s fp32 peak; one optimizer step = %,d tokens = %d "
                + "micro-batches of %d x %d%n", peak / 1e12, tokens, tokens / (Gtx1070Ti.MICRO_BATCH * SEQ),
                Gtx1070Ti.MICRO_BATCH, SEQ);
        for (double mfu : MFUS) {
            double tokensPerSecond = peak * mfu / estimate;
            System.out.printf(Locale.ROOT, "  MFU %3.0f%%: %6.0f tokens/s, %5.0f s per optimizer step, "
                    + "%4.1f days per billion tokens%n", 100 * mfu, tokensPerSecond,
                    secondsPerStep(tokens, estimate, peak, mfu), 1e9 / tokensPerSecond / 86400);
        }
    }
}
