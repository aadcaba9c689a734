package dev.descent.lessons.tinygpt;

import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Exercise 32: the unigram model, the baseline a language model must beat. It predicts every token with its
 * frequency in the training shards, whatever came before, add-one smoothed so that no token has probability 0:
 * p(v) = (count(v) + 1) / (N + V), N the training tokens, V the vocabulary.
 */
final class Unigram {
    private Unigram() {
    }

    /** ln p(token) for each of {@code tokens} (read the training shards with {@code Shard.read}). */
    static double[] logProbabilities(Dataset data, int[] tokens, int vocab) throws IOException {
        long[] counts = new long[vocab];
        long total = 0;
        for (Path shard : data.trainingShards()) {
            for (int t : Shard.read(shard)) {
                counts[t]++;
                total++;
            }
        }
        double[] out = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = Math.log((counts[tokens[i]] + 1.0) / (total + vocab));
        }
        return out;
    }
}
