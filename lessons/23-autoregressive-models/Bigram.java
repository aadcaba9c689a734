package dev.descent.lessons.autoregressivemodels;

import dev.descent.core.Tensor;

/**
 * The simplest autoregressive model: the next character depends only on the current one. A bigram model is a
 * (V, V) table of logits: row a, passed through softmax, is the distribution of the character after a.
 *
 * <p>Fitting it by counting: with {@code C[a][b]} = how often b follows a, the table log(C + α) gives
 * P(b | a) = (C[a][b] + α) / Σ_b' (C[a][b'] + α), the maximum-likelihood estimate plus α pseudo-counts so
 * that pairs never seen keep a little probability. Fitting it by gradient descent: lesson 23's Main.
 */
final class Bigram {
    private Bigram() {
    }

    /** The (V, V) matrix of pair counts of a sequence: row a, column b counts a followed by b. */
    static Tensor counts(int[] ids, int vocab) {
        float[] c = new float[vocab * vocab];
        for (int i = 0; i + 1 < ids.length; i++) {
            c[ids[i] * vocab + ids[i + 1]]++;
        }
        return Tensor.fromArray(c, vocab, vocab);
    }

    /** The counting model's logits, log(C + α), (V, V). */
    static Tensor countLogits(Tensor counts, float alpha) {
        return counts.add(alpha).log();
    }

    /** Row a of the table turned into probabilities: softmax(logits[a]), (V, V). */
    static Tensor probabilities(Tensor logits) {
        return logits.softmax();
    }

    /**
     * The average negative log-likelihood of a sequence in nats per character, −mean_t log P(x_{t+1} | x_t),
     * computed from the sequence's pair counts D: −Σ_{a,b} D[a][b]·log softmax(logits)[a][b] / Σ_{a,b} D[a][b].
     * Each pair contributes once per occurrence, exactly as the cross-entropy over every position would.
     */
    static Tensor nll(Tensor logits, Tensor pairCounts) {
        return logits.logSoftmax().mul(pairCounts).sum().div(pairCounts.sum()).neg();
    }
}
