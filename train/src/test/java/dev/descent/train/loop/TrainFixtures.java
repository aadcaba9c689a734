package dev.descent.train.loop;

import dev.descent.core.Rng;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Data and configurations shared by the trainer's tests. */
public final class TrainFixtures {
    private TrainFixtures() {
    }

    /**
     * A learnable stream of ids below {@code vocab}: mostly "t+1 follows t" with a little seeded noise, written as
     * 3 training shards plus validation into {@code dir/data}, which is returned.
     */
    public static Path learnableShards(Path dir, int vocab) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Rng rng = new Rng(7);
        int token = 0;
        for (int s = 0; s < 4; s++) {
            int[] tokens = new int[700];
            for (int i = 0; i < tokens.length; i++) {
                token = rng.nextDouble() < 0.1 ? rng.nextInt(vocab) : (token + 1) % vocab;
                tokens[i] = token;
            }
            Shard.write(data.resolve(Dataset.shardName(s)), tokens);
        }
        return data;
    }

    /**
     * Two optimizer steps of two micro-batches of 4 × 64 on a 2-block, width-32 GPT with a vocabulary of 2048: large
     * next to the width, as in every GPT, so backward peaks at the classifier. The run the memory checks measure.
     */
    public static TrainConfig memoryCheck(Path data, Path out, String device) {
        return tiny(2048, data, out).with(new TrainConfig.Model(2048, 64, 2, 2, 32, 0f))
                .with(new TrainConfig.Batch(4, 64, 512)).with("steps", 2).with("warmupSteps", 1)
                .with("device", device);
    }

    /**
     * The tiny-cpu preset shrunk for tests: a 1-block, width-16 GPT over {@code vocab} ids without dropout, 2
     * micro-batches of 4 × 16 a step, lr 1e-2 to 1e-3 after 2 warmup steps, AdamW (0.9, 0.95) with weight decay
     * 0.1 (fixed here, so the tests do not follow the preset's tuning), seed 5, no evaluation and one checkpoint at
     * the end.
     */
    public static TrainConfig tiny(int vocab, Path data, Path out) {
        return TrainConfig.tinyCpu().with(new TrainConfig.Model(vocab, 16, 1, 2, 16, 0f))
                .with(new TrainConfig.Batch(4, 16, 128)).with("maxLr", 1e-2).with("minLr", 1e-3).with("warmupSteps", 2)
                .with("beta2", 0.95).with("weightDecay", 0.1)
                .with("evalEvery", 0).with("evalBatches", 4).with("checkpointEvery", 0).with("seed", 5)
                .with("data", data).with("out", out);
    }
}
