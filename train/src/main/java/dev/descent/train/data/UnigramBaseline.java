package dev.descent.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The loss a model gets by ignoring context: predict every token with its frequency in the training shards.
 * A language model that has learned anything about context must beat it.
 */
public final class UnigramBaseline {
    private UnigramBaseline() {
    }

    /**
     * Cross-entropy in nats of the {@code validation} tokens under the training unigram distribution with add-one
     * smoothing: p(v) = (count(v) + 1) / (N + V),  H = −(1/M) Σ_val log p(token).
     */
    public static double crossEntropy(List<Path> trainShards, int[] validation, int vocab) throws IOException {
        long[] counts = new long[vocab];
        long total = 0;
        for (Path shard : trainShards) {
            for (int t : Shard.read(shard)) {
                counts[t]++;
                total++;
            }
        }
        double sum = 0;
        for (int t : validation) {
            sum -= Math.log((counts[t] + 1.0) / (total + vocab));
        }
        return sum / validation.length;
    }
}
