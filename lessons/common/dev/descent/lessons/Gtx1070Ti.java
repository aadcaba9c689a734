package dev.descent.lessons;

import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Mfu;

/**
 * The card the course plans GPT-2 training for, a GTX 1070 Ti, and the GPT-2 recipe it runs (the
 * {@code gpt2-124m-1070ti} preset): lessons 27 (memory), 28 (FLOPs and MFU) and 29 (the roofline) all price it.
 */
public final class Gtx1070Ti {
    /** 8 GiB of GDDR5. */
    public static final long MEMORY_BYTES = 8L << 30;
    /** The fp32 peak, 2,432 cores × 2 FLOPs (one fused multiply-add) × 1.683 GHz boost = 8.19 TFLOP/s. */
    public static final double PEAK_FLOPS = Mfu.peakFlops("GeForce GTX 1070 Ti");
    /** Memory bandwidth, bytes per second: a 256-bit bus at 8 Gbit/s per pin. */
    public static final double BANDWIDTH = 256 * 8e9 / 8;
    /** GPT-2 small with the vocabulary padded from 50,257 to 50,304 (a multiple of 64), as the preset trains it. */
    public static final GPTConfig GPT2 = GPTConfig.gpt2Small().withVocabPaddedTo(64);
    /** Sequences per micro-batch. */
    public static final int MICRO_BATCH = 2;
    /** Tokens per sequence. */
    public static final int SEQ_LEN = 1024;
    /** Tokens per optimizer step: 2^19, reached by accumulating 256 micro-batches of 2 × 1024. */
    public static final long TOKENS_PER_STEP = 1L << 19;

    private Gtx1070Ti() {
    }
}
