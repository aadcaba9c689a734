package dev.descent.lessons.inferencesampling;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Sampler;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Lesson 30: sampling from a language model. The model gives logits for the next token; temperature and top-k
 * reshape the distribution before one token is drawn. Written from primitives, checked against the formula by
 * drawing many times, and against descent's own Sampler.
 */
public final class Main {
    /** A fixed logit vector over 8 tokens, largest first. */
    static final float[] LOGITS = {2.0f, 1.5f, 1.0f, 0.5f, 0.0f, -0.5f, -1.0f, -2.0f};
    static final int[] PROMPT = {3, 1, 4};

    static float[] probabilities(double temperature, int topK) {
        return Sampling.probabilities(Tensor.fromArray(LOGITS), temperature, topK).toArray();
    }

    /** The largest |a − b|. */
    static double maxAbs(double[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** A tiny GPT over 8 tokens whose token embedding is scaled up so its next-token logits are far from flat. */
    static GPT tinyGpt() {
        GPT model = new GPT(new GPTConfig(8, 8, 1, 2, 16, 0f, false), new Rng(28));
        Tensor wte = model.namedParameters().get("wte.weight");
        wte.copyFrom(Tensor.randn(new Rng(29), 8, 16).mul(0.2f));
        return model;
    }

    /** The model's logits for the token after {@code prompt}: the last position of forward(prompt), in evaluation mode. */
    @SuppressWarnings("try")
    static Tensor nextLogits(GPT model, int[] prompt) {
        float[] ids = new float[prompt.length];
        for (int i = 0; i < prompt.length; i++) {
            ids[i] = prompt[i];
        }
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            model.eval();
            Tensor logits = model.forward(Tensor.fromArray(ids, 1, prompt.length));
            return logits.slice(1, prompt.length - 1, prompt.length).reshape(-1);
        }
    }

    /** Frequencies of the token Sampler.generate appends to {@code prompt}, over {@code n} calls. */
    static double[] samplerFrequencies(GPT model, double temperature, int topK, int n, long seed) {
        Rng rng = new Rng(seed);
        double[] f = new double[model.config().vocabSize()];
        for (int i = 0; i < n; i++) {
            int[] out = Sampler.generate(model, PROMPT, 1, temperature, topK, rng);
            f[out[PROMPT.length]] += 1.0 / n;
        }
        return f;
    }

    private static String topK(int k) {
        return k == 0 ? "all" : String.valueOf(k);
    }

    private static String row(float[] p) {
        StringBuilder sb = new StringBuilder();
        for (float x : p) {
            sb.append(String.format(Locale.ROOT, " %.3f", x));
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.println("logits " + Arrays.toString(LOGITS));
        System.out.println("  T      top-k  p(token 0..7)                                        entropy (nats)");
        double[][] settings = {{0.1, 0}, {0.5, 0}, {1, 0}, {2, 0}, {1, 3}, {1, 1}};
        for (double[] s : settings) {
            float[] p = probabilities(s[0], (int) s[1]);
            System.out.printf(Locale.ROOT, "  %-5.1f  %-5s %s   %.3f%n", s[0], topK((int) s[1]),
                    row(p), Sampling.entropy(p));
        }
        System.out.printf(Locale.ROOT, "  uniform over 8 tokens: entropy log 8 = %.3f%n", Math.log(8));
        float[] p = probabilities(0.7, 3);
        double[] f = Sampling.frequencies(p, 20_000, new Rng(1));
        System.out.printf(Locale.ROOT, "20000 draws at T = 0.7, top-3: frequencies %s%n  formula %s%n"
                + "  max |difference| %.4f%n",
                row(toFloat(f)), row(p), maxAbs(f, p));

        GPT model = tinyGpt();
        Tensor logits = nextLogits(model, PROMPT);
        System.out.println("tiny GPT, prompt " + Arrays.toString(PROMPT) + ": next-token logits" + row(logits.toArray()));
        for (double[] s : new double[][] {{1, 0}, {0.7, 3}}) {
            float[] formula = Sampling.probabilities(logits, s[0], (int) s[1]).toArray();
            double[] sampled = samplerFrequencies(model, s[0], (int) s[1], 3000, 2);
            System.out.printf(Locale.ROOT, "  T = %.1f, top-k %s: formula %s%n"
                    + "                       Sampler %s   max |diff| %.4f%n",
                    s[0], topK((int) s[1]), row(formula), row(toFloat(sampled)),
                    maxAbs(sampled, formula));
        }
        int argmax = 0;
        float[] l = logits.toArray();
        for (int i = 1; i < l.length; i++) {
            argmax = l[i] > l[argmax] ? i : argmax;
        }
        System.out.printf(Locale.ROOT, "  greedy: argmax %d; Sampler with top-k 1 gave it %.0f%% of 200 times, with "
                + "T = 0.01 %.0f%% of 200 times%n", argmax, 100 * samplerFrequencies(model, 1.0, 1, 200, 3)[argmax],
                100 * samplerFrequencies(model, 0.01, 0, 200, 4)[argmax]);

        int n = 100;
        double[] ts = new double[n];
        double[] all = new double[n];
        double[] top3 = new double[n];
        double[] top1 = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 0.05 * (i + 1);
            all[i] = Sampling.entropy(probabilities(ts[i], 0));
            top3[i] = Sampling.entropy(probabilities(ts[i], 3));
            top1[i] = Sampling.entropy(probabilities(ts[i], 1));
        }
        double[] maxAll = new double[n];
        double[] max3 = new double[n];
        Arrays.fill(maxAll, Math.log(8));
        Arrays.fill(max3, Math.log(3));
        Path folder = LessonFolder.of("30-inference-sampling");
        Plot.lines("Entropy of the sampling distribution", "temperature T", "entropy (nats)")
                .series("all 8 tokens", ts, all).series("top-3", ts, top3).series("top-1 (greedy)", ts, top1)
                .series("log 8 (uniform)", ts, maxAll).series("log 3", ts, max3).save(folder.resolve("entropy.png"));
        double[] tokens = {0, 1, 2, 3, 4, 5, 6, 7};
        Plot plot = Plot.lines("Next-token probabilities at several temperatures", "token", "probability");
        for (double t : new double[] {0.25, 0.5, 1, 2, 5}) {
            plot.series("T = " + t, tokens, toDouble(probabilities(t, 0)));
        }
        plot.integerX().save(folder.resolve("probabilities.png"));
        System.out.println("wrote entropy.png and probabilities.png in " + folder);
    }

    private static float[] toFloat(double[] xs) {
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }

    private static double[] toDouble(float[] xs) {
        double[] d = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            d[i] = xs[i];
        }
        return d;
    }
}
