package dev.descent.lessons.softmax;

import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lesson 12: softmax. Turn a row of scores (logits) into probabilities with exp and a sum; watch the naive
 * formula overflow; fix it by subtracting the maximum, which changes nothing because softmax ignores shifts;
 * check the framework's softmax; and see what a temperature does.
 */
public final class Main {
    /** The logits used for the temperature pictures: five classes, one clear favourite. */
    static final float[] LOGITS = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f};

    /** Naive softmax over the last axis: pᵢ = e^zᵢ / Σⱼ e^zⱼ. Breaks as soon as some e^zᵢ leaves float range. */
    static Tensor naiveSoftmax(Tensor z) {
        Tensor e = z.exp();
        return e.div(e.sum(-1, true));
    }

    /** softmax(z / T): T below 1 sharpens the distribution, T above 1 flattens it. */
    static Tensor softmaxAtTemperature(Tensor z, float temperature) {
        return z.div(temperature).softmax();
    }

    /** Entropy in nats, H(p) = −Σ pᵢ·ln pᵢ (terms with pᵢ = 0 count 0): 0 for one-hot, ln C for uniform. */
    static double entropy(float[] p) {
        double h = 0;
        for (float pi : p) {
            if (pi > 0) {
                h -= pi * Math.log(pi);
            }
        }
        return h;
    }

    /** The largest logit whose exponential is still a finite float: ln(Float.MAX_VALUE) ≈ 88.72. */
    static double largestSafeExponent() {
        return Math.log(Float.MAX_VALUE);
    }

    /** d(Σᵢ wᵢ·softmax(z)ᵢ)/dz through the framework's fused op, or through the primitive max/exp/sum/div graph. */
    static float[] softmaxGradient(float[] logits, float[] weights, boolean framework) {
        Tensor z = Tensor.fromArray(logits, logits.length).requiresGrad(true);
        Tensor p = framework ? z.softmax() : StableSoftmax.of(z);
        p.mul(Tensor.fromArray(weights, weights.length)).sum().backward();
        return z.grad().toArray();
    }

    static Tensor vector(float... values) {
        return Tensor.fromArray(values, values.length);
    }

    private static String show(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", v[i]));
        }
        return sb.append("]").toString();
    }

    public static void main(String[] args) {
        Tensor small = vector(2, 1, 0.1f);
        System.out.println("logits [2, 1, 0.1]:");
        System.out.println("  naive  " + show(naiveSoftmax(small).toArray()));
        System.out.println("  stable " + show(StableSoftmax.of(small).toArray()));

        System.out.printf(Locale.ROOT, "float32 e^z overflows above z = ln(Float.MAX_VALUE) = %.2f: e^88 = %s, e^89 = %s%n",
                largestSafeExponent(), vector(88).exp().item(), vector(89).exp().item());
        Tensor big = vector(1000, 999, 998);
        System.out.println("logits [1000, 999, 998]:");
        System.out.println("  naive  " + show(naiveSoftmax(big).toArray()) + "   (e^1000 = inf, inf/inf = NaN)");
        System.out.println("  stable " + show(StableSoftmax.of(big).toArray()));
        System.out.println("  softmax() " + show(big.softmax().toArray()));
        Tensor tiny = vector(-1000, -1000);
        System.out.println("logits [-1000, -1000]:");
        System.out.println("  naive  " + show(naiveSoftmax(tiny).toArray()) + "   (e^-1000 = 0, 0/0 = NaN)");
        System.out.println("  stable " + show(StableSoftmax.of(tiny).toArray()));
        System.out.println("  softmax() " + show(tiny.softmax().toArray()));
        System.out.println("shift invariance: softmax([2, 1, 0.1] + 500) = " + show(StableSoftmax.of(small.add(500)).toArray()));

        float[] weights = {0.3f, -1.2f, 0.7f};
        System.out.println("gradient of w.softmax(z) at [2, 1, 0.1]: primitive graph "
                + show(softmaxGradient(small.toArray(), weights, false)) + ", fused softmax() "
                + show(softmaxGradient(small.toArray(), weights, true)));

        System.out.printf(Locale.ROOT, "temperature on logits %s (ln 5 = %.4f):%n", show(LOGITS), Math.log(5));
        for (float t : new float[] {0.1f, 0.25f, 0.5f, 1, 2, 4, 10, 100}) {
            float[] p = softmaxAtTemperature(vector(LOGITS), t).toArray();
            System.out.printf(Locale.ROOT, "  T = %-5s p = %s  entropy %.4f%n", t, show(p), entropy(p));
        }
        double[] temperatures = new double[31];
        double[] entropies = new double[temperatures.length];
        for (int i = 0; i < temperatures.length; i++) {
            temperatures[i] = Math.pow(10, -1 + 0.1 * i);
            entropies[i] = entropy(softmaxAtTemperature(vector(LOGITS), (float) temperatures[i]).toArray());
        }

        Path folder = LessonFolder.of("12-softmax");
        Plot byClass = Plot.lines("softmax(z / T) for z = [2, 1, 0.5, 0, -1]", "class", "probability");
        for (float t : new float[] {0.25f, 1, 4}) {
            double[] p = new double[LOGITS.length];
            float[] values = softmaxAtTemperature(vector(LOGITS), t).toArray();
            for (int c = 0; c < p.length; c++) {
                p[c] = values[c];
            }
            byClass.series("T = " + t, p);
        }
        byClass.integerX().save(folder.resolve("temperature.png"));
        Plot.lines("Entropy of softmax(z / T): 0 is one-hot, ln 5 = 1.61 is uniform", "temperature T",
                "entropy (nats)").series("entropy", temperatures, entropies).logX().save(folder.resolve("entropy.png"));
        System.out.println("wrote temperature.png and entropy.png in " + folder);
    }
}
