package dev.descent.train.loop;

import dev.descent.core.Rng;
import java.util.Arrays;

/**
 * How the next token is chosen from the model's logits z (lesson 30):
 * <pre>
 * keep the k largest z_i                               top-k (k = 0 keeps all; ties with the k-th are kept)
 * w_i = exp((z_i − max z)/T)                           temperature T &gt; 0 (T = 0: the likeliest token, greedy)
 * keep the largest w_i until their sum reaches p·Σw    top-p, nucleus (p = 1 keeps all; ties are kept)
 * draw i with probability w_i / Σ kept w               one uniform draw from the generator
 * </pre>
 * Non-finite logits (a diverged model) are refused: NaN fails every comparison and would come out as token 0.
 *
 * @param temperature ≥ 0; below 1 sharpens the distribution, above 1 flattens it, 0 is greedy
 * @param topK        ≥ 0
 * @param topP        in (0, 1]
 */
public record SamplingSettings(double temperature, int topK, double topP) {

    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature " + temperature + ": must be a number ≥ 0 (0 always "
                    + "takes the likeliest token)");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k " + topK + ": must be 0 (every token) or a number of tokens");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p " + topP + ": must be in (0, 1] (1 keeps every token)");
        }
    }

    /** The next token for these logits (V); draws once from {@code rng} unless the temperature is 0. */
    public int pick(float[] logits, Rng rng) {
        for (float logit : logits) {
            if (!Float.isFinite(logit)) {
                throw new IllegalStateException("sample: the model's logits are not finite (" + logit + "): its "
                        + "weights have diverged; sample from an earlier checkpoint");
            }
        }
        if (temperature == 0) {
            return argmax(logits);
        }
        int k = topK == 0 ? logits.length : Math.min(topK, logits.length);
        float threshold = kthLargest(logits, k);
        double max = logits[argmax(logits)];
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] >= threshold) {
                weights[i] = Math.exp((logits[i] - max) / temperature);
                total += weights[i];
            }
        }
        if (topP < 1) {
            total = keepNucleus(weights, total);
        }
        return draw(weights, total, rng);
    }

    /** Zeroes every weight below the smallest one the nucleus needs; returns the kept total. */
    private double keepNucleus(double[] weights, double total) {
        double[] sorted = Arrays.stream(weights).filter(w -> w > 0).sorted().toArray();
        double cumulative = 0;
        double smallestKept = sorted[sorted.length - 1];
        for (int i = sorted.length - 1; i >= 0 && cumulative < topP * total; i--) {
            cumulative += sorted[i];
            smallestKept = sorted[i];
        }
        double kept = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < smallestKept) {
                weights[i] = 0;
            }
            kept += weights[i];
        }
        return kept;
    }

    /** Token i with probability weights[i] / total: the first whose running sum passes u·total. */
    private static int draw(double[] weights, double total, Rng rng) {
        double u = rng.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private static int argmax(float[] xs) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i] > xs[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The k-th largest value (1 ≤ k ≤ n), through a min-heap of the k largest seen: O(n log k), no full sort. */
    static float kthLargest(float[] xs, int k) {
        float[] heap = new float[k];
        int size = 0;
        for (float x : xs) {
            if (size < k) {
                heap[size] = x;
                siftUp(heap, size++);
            } else if (x > heap[0]) {
                heap[0] = x;
                siftDown(heap, k);
            }
        }
        return heap[0];
    }

    private static void siftUp(float[] heap, int i) {
        while (i > 0 && heap[(i - 1) / 2] > heap[i]) {
            swap(heap, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    }

    private static void siftDown(float[] heap, int size) {
        int i = 0;
        while (true) {
            int smallest = i;
            for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
                if (heap[child] < heap[smallest]) {
                    smallest = child;
                }
            }
            if (smallest == i) {
                return;
            }
            swap(heap, i, smallest);
            i = smallest;
        }
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
