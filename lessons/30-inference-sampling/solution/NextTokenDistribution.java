package dev.descent.lessons.inferencesampling;

import dev.descent.core.BinaryOp;
import dev.descent.core.Functional;
import dev.descent.core.Tensor;
import java.util.Arrays;

/**
 * Exercise 30: the distribution a language model's next token is drawn from, given its logits:
 * <pre>
 * z = logits / T                         temperature T &gt; 0: below 1 sharpens, above 1 flattens
 * z_i = −∞ unless z_i is among the k largest     top-k (k = 0 keeps every token; ties at the k-th are kept)
 * p = softmax(z)                         renormalised over the tokens that remain
 * </pre>
 */
final class NextTokenDistribution {
    private NextTokenDistribution() {
    }

    /** softmax(logits/T) over the k largest logits, zero elsewhere: (V) -> (V). Refuses T ≤ 0. */
    static Tensor of(Tensor logits, double temperature, int topK) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        Tensor z = logits.div((float) temperature);
        int v = logits.dim(0);
        int k = topK <= 0 ? v : Math.min(topK, v);
        float[] sorted = z.toArray();
        Arrays.sort(sorted);
        float kthLargest = sorted[v - k];
        Tensor dropped = z.backend().binaryScalar(BinaryOp.LT, z, kthLargest);
        return Functional.maskedFill(z, dropped, Float.NEGATIVE_INFINITY).softmax();
    }
}
