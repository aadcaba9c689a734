package dev.descent.train.cli;

import dev.descent.train.TrainConfig;
import dev.descent.train.data.Tokenizers;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The preset and the command-line overrides of any of its fields. */
public final class TrainOptions {
    @Option(names = "--preset", defaultValue = "tiny-cpu", description = "tiny-cpu or gpt2-124m-1070ti (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--vocab", description = "Vocabulary size (padded sizes like 50304 allowed; default: the preset's, "
            + "or the --tokenizer's size).")
    Integer vocab;
    @Option(names = "--context", description = "Context length (positions).")
    Integer context;
    @Option(names = "--layers", description = "Transformer blocks.")
    Integer layers;
    @Option(names = "--heads", description = "Attention heads.")
    Integer heads;
    @Option(names = "--width", description = "Channels of the residual stream.")
    Integer width;
    @Option(names = "--dropout", description = "Dropout probability.")
    Float dropout;
    @Option(names = "--micro-batch", description = "Sequences per micro-batch (B).")
    Integer microBatch;
    @Option(names = "--seq-len", description = "Tokens per sequence (T).")
    Integer seqLen;
    @Option(names = "--total-batch", description = "Tokens per optimizer step (a multiple of B*T).")
    Long totalBatch;
    @Option(names = "--steps", description = "Optimizer steps.")
    Integer steps;
    @Option(names = "--lr", description = "Peak learning rate.")
    Double lr;
    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine.")
    Double minLr;
    @Option(names = "--warmup", description = "Warmup steps.")
    Integer warmup;
    @Option(names = "--weight-decay", description = "AdamW weight decay on matrices.")
    Double weightDecay;
    @Option(names = "--beta1", description = "AdamW beta1.")
    Double beta1;
    @Option(names = "--beta2", description = "AdamW beta2.")
    Double beta2;
    @Option(names = "--eps", description = "AdamW epsilon.")
    Double eps;
    @Option(names = "--clip", description = "Global gradient-norm clip.")
    Double clip;
    @Option(names = "--eval-every", description = "Steps between validation losses (0: never).")
    Integer evalEvery;
    @Option(names = "--eval-batches", description = "Micro-batches per validation loss.")
    Integer evalBatches;
    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (0: only at the end).")
    Integer checkpointEvery;
    @Option(names = "--seed", description = "Seed of initialisation, dropout and data order.")
    Long seed;
    @Option(names = "--tokenizer", description = "gpt2, bytes or bpe-N (a byte-pair vocabulary of N tokens learned "
            + "from the text) for the embedded Moby-Dick; sets the default --data and --vocab.")
    String tokenizer;
    @Option(names = "--data", description = "Dataset directory (prepare-data writes one; default: the embedded "
            + "Moby-Dick in the --tokenizer's tokens, prepared on first use).")
    Path data;
    @Option(names = "--out", description = "Run directory: checkpoint, loss.png, summary.json.")
    Path out;
    @Option(names = "--device", description = "cpu or cuda.")
    String device;
    @Option(names = "--vram-limit", description = "Hard cap on device memory, e.g. 8g.")
    String vramLimit;

    /**
     * The preset with every given override applied. A --tokenizer without --vocab or --data brings its own
     * vocabulary size and embedded-data directory.
     */
    public TrainConfig resolve() {
        TrainConfig p = TrainConfig.preset(preset);
        int defaultVocab = tokenizer == null ? p.vocab() : Tokenizers.vocabSize(tokenizer);
        Path defaultData = tokenizer == null ? p.data() : TrainConfig.embeddedData(tokenizer);
        return new TrainConfig(p.preset(), or(vocab, defaultVocab), or(context, p.context()), or(layers, p.layers()),
                or(heads, p.heads()), or(width, p.width()), or(dropout, p.dropout()), or(microBatch, p.microBatch()),
                or(seqLen, p.seqLen()), or(totalBatch, p.totalBatchTokens()), or(steps, p.steps()), or(lr, p.maxLr()),
                or(minLr, p.minLr()), or(warmup, p.warmupSteps()), or(weightDecay, p.weightDecay()),
                or(beta1, p.beta1()), or(beta2, p.beta2()), or(eps, p.eps()), or(clip, p.gradClip()),
                or(evalEvery, p.evalEvery()), or(evalBatches, p.evalBatches()), or(checkpointEvery, p.checkpointEvery()),
                or(seed, p.seed()), or(tokenizer, p.tokenizer()), or(data, defaultData), or(out, p.out()), or(device, p.device()),
                or(vramLimit, p.vramLimit()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
