package dev.descent.train;

import dev.descent.nn.gpt.GPTConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a training run: the model's shape, the batch arithmetic, AdamW and its schedule, and
 * the bookkeeping. Two presets; every field can be overridden on the command line.
 *
 * @param totalBatchTokens tokens per optimizer step; {@code totalBatchTokens / (microBatch·seqLen)} micro-batches
 *                         are accumulated into each step
 * @param evalBatches      micro-batches per validation loss, at most the validation shard's
 * @param tokenizer        how the embedded Moby-Dick is tokenized when {@code data} is its default directory
 *                         and missing: {@code gpt2}, {@code bytes} or {@code bpe-N} (see Tokenizers)
 * @param device           {@code cpu} or {@code cuda}
 * @param vramLimit        a hard cap on device memory such as {@code 8g}, or empty for none
 */
public record TrainConfig(String preset, int vocab, int context, int layers, int heads, int width, float dropout,
                          int microBatch, int seqLen, long totalBatchTokens, int steps, double maxLr, double minLr,
                          int warmupSteps, double weightDecay, double beta1, double beta2, double eps, double gradClip,
                          int evalEvery, int evalBatches, int checkpointEvery, long seed, String tokenizer, Path data,
                          Path out, String device, String vramLimit) {

    /**
     * Where the embedded Moby-Dick goes in the tokens of {@code tokenizer}, prepared on first use: data/moby-dick
     * (GPT-2), data/moby-dick-bpe-2048, ...
     */
    public static Path embeddedData(String tokenizer) {
        return Path.of("data", tokenizer.equals("gpt2") ? "moby-dick" : "moby-dick-" + tokenizer);
    }

    /**
     * What {@code ./descent} trains in a few minutes on 2 CPU cores: Moby-Dick in a byte-pair vocabulary of 4,096
     * tokens learned from the book, and a 2-layer, width-64 GPT with a context of 64 tokens, 1,200 steps of 16 × 64
     * tokens (about four passes over the training chapters), lr 6e-3 after 30 warmup steps, cosine to 3e-4, the
     * whole validation text scored every 300 steps. Measured against wider, deeper, larger-batch and
     * smaller-vocabulary variants, the loss after a given number of tokens hardly depends on width (64-128) or
     * depth (2-4) at this scale, while the vocabulary matters most, so the cheapest shape that learns as fast wins.
     */
    public static TrainConfig tinyCpu() {
        return new TrainConfig("tiny-cpu", 4096, 64, 2, 2, 64, 0f, 16, 64, 1024, 1200, 6e-3, 3e-4, 30, 0.1, 0.9,
                0.95, 1e-8, 1.0, 300, 64, 300, 1337, "bpe-4096", embeddedData("bpe-4096"), Path.of("runs", "tiny-cpu"),
                "cpu", "");
    }

    /**
     * GPT-2 124M on an 8 GB GTX 1070 Ti: vocab padded to 50304, micro-batch 2 × 1024, total batch 2^19 tokens
     * (256 accumulation steps), AdamW (0.9, 0.95), eps 1e-8, weight decay 0.1 on matrices, lr 6e-4 with 715
     * warmup steps and cosine decay to 6e-5 over 19,073 steps, clip 1.0.
     */
    public static TrainConfig gpt2On1070Ti() {
        return new TrainConfig("gpt2-124m-1070ti", 50304, 1024, 12, 12, 768, 0f, 2, 1024, 1L << 19, 19073, 6e-4,
                6e-5, 715, 0.1, 0.9, 0.95, 1e-8, 1.0, 250, 20, 500, 1337, "gpt2", embeddedData("gpt2"),
                Path.of("runs", "gpt2-124m-1070ti"), "cuda", "8g");
    }

    /** The preset called {@code name}, or an error listing the presets. */
    public static TrainConfig preset(String name) {
        switch (name) {
            case "tiny-cpu":
                return tinyCpu();
            case "gpt2-124m-1070ti":
                return gpt2On1070Ti();
            default:
                throw new IllegalArgumentException("unknown preset '" + name + "'; presets: tiny-cpu, gpt2-124m-1070ti");
        }
    }

    public GPTConfig model() {
        return new GPTConfig(vocab, context, layers, heads, width, dropout, false);
    }

    /**
     * The fields that make a checkpoint incompatible with this configuration when they differ: the model's
     * shape and the batch arithmetic. (Step count, schedule and logging may change on resume.)
     */
    public Map<String, String> identity() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vocab", String.valueOf(vocab));
        m.put("context", String.valueOf(context));
        m.put("layers", String.valueOf(layers));
        m.put("heads", String.valueOf(heads));
        m.put("width", String.valueOf(width));
        m.put("dropout", String.valueOf(dropout));
        m.put("microBatch", String.valueOf(microBatch));
        m.put("seqLen", String.valueOf(seqLen));
        m.put("totalBatchTokens", String.valueOf(totalBatchTokens));
        m.put("seed", String.valueOf(seed));
        return m;
    }

    /** The names and values of identity fields that differ from {@code saved}, empty when compatible. */
    public List<String> differencesFrom(Map<String, String> saved) {
        List<String> diffs = new ArrayList<>();
        identity().forEach((key, value) -> {
            String old = saved.get(key);
            if (!value.equals(old)) {
                diffs.add(key + " (checkpoint " + old + ", now " + value + ")");
            }
        });
        return diffs;
    }
}
