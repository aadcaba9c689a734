package dev.descent.lessons.inferencesampling;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;

/**
 * Turning a model's next-token logits into a choice, step by step:
 * <pre>
 * z = logits / T                         temperature T &gt; 0: below 1 sharpens, above 1 flattens
 * z_i = −∞ unless z_i is among the k largest     top-k (k = 0 keeps every token; ties at the k-th are kept)
 * p = softmax(z)                         renormalised over the tokens that remain
 * next = the first i with p_0 + .. + p_i &gt; u,  u uniform in [0, 1)      one draw
 * </pre>
 */
final class Sampling {
    private Sampling() {
    }

    /** The distribution sampled from: softmax(logits/T) over the k largest logits ({@link NextTokenDistribution}). */
    static Tensor probabilities(Tensor logits, double temperature, int topK) {
        return NextTokenDistribution.of(logits, temperature, topK);
    }

    /** One draw from p by inverting the cumulative distribution at a uniform u. */
    static int draw(float[] p, Rng rng) {
        double u = rng.nextDouble();
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last;
    }

    /** H(p) = −Σ p log p in nats (terms with p = 0 contribute 0). */
    static double entropy(float[] p) {
        double h = 0;
        for (float pi : p) {
            if (pi > 0) {
                h -= pi * Math.log(pi);
            }
        }
        return h;
    }

    /** How often each token comes out in {@code n} draws, as fractions. */
    static double[] frequencies(float[] p, int n, Rng rng) {
        double[] f = new double[p.length];
        for (int i = 0; i < n; i++) {
            f[draw(p, rng)] += 1.0 / n;
        }
        return f;
    }
}
