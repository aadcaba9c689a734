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
        return new TrainConfig("memory-check", 2048, 64, 2, 2, 32, 0f, 4, 64, 512, 2, 1e-2, 1e-3, 1, 0.1, 0.9, 0.95,
                1e-8, 1.0, 0, 4, 0, 5, "gpt2", data, out, device, "");
    }
}
