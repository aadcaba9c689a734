package dev.descent.lessons.autoregressivemodels;

import dev.descent.core.Autograd;
import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.optim.Adam;
import dev.descent.optim.LrSchedule;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 23: autoregressive models. A sequence's probability factorises as P(x₁..x_T) = Π_t P(x_t | x_{&lt;t}),
 * so a model only has to predict the next token from the previous ones. The bigram model looks one character
 * back, fitted by counting and by gradient descent; an attention model looks at all of them, provided a causal
 * mask keeps it from looking ahead.
 */
public final class Main {
    static final float ALPHA = 0.1f;
    static final int CONTEXT = 32;
    static final int WIDTH = 32;
    static final int BIGRAM_STEPS = 200;
    static final double BIGRAM_LR = 0.2;
    static final int ATTENTION_STEPS = 100;
    static final double ATTENTION_LR = 3e-2;

    private static final int[] TRAIN = CharText.ids(0, 200_000);
    private static final int[] HELD_OUT = CharText.ids(100, 50_000);

    /** The first 200,000 characters of the book, for fitting (shared: do not modify). */
    static int[] trainIds() {
        return TRAIN;
    }

    /** 50,000 characters from chapter 101 on, for evaluation (shared: do not modify). */
    static int[] heldOutIds() {
        return HELD_OUT;
    }

    /** The counting bigram model on the training text: logits log(C + α). */
    static Tensor countModel() {
        return Bigram.countLogits(Bigram.counts(trainIds(), CharText.vocabSize()), ALPHA);
    }

    /** A learned table of logits and its full training-text NLL after every step. */
    record Fit(Tensor logits, double[] nll) {
    }

    /**
     * The same bigram model learned: a (V, V) table W starting at zero (uniform predictions), trained by Adam on
     * the cross-entropy of W[x_t] (an embedding lookup) against x_{t+1}, on random batches of 1024 positions, the
     * learning rate annealed from BIGRAM_LR to a twentieth of it.
     */
    static Fit learnedBigram(int steps, long seed) {
        int[] ids = trainIds();
        int v = CharText.vocabSize();
        Tensor trainCounts = Bigram.counts(ids, v);
        Tensor w = Tensor.zeros(v, v).requiresGrad(true);
        Adam adam = new Adam(List.of(w)).lr(BIGRAM_LR);
        Rng rng = new Rng(seed);
        double[] nll = new double[steps + 1];
        nll[0] = evaluate(w, trainCounts);
        int batch = 1024;
        LrSchedule schedule = LrSchedule.cosineAnnealing(BIGRAM_LR, steps, BIGRAM_LR / 20);
        for (int s = 0; s < steps; s++) {
            schedule.apply(adam, s);
            float[] x = new float[batch];
            float[] y = new float[batch];
            for (int i = 0; i < batch; i++) {
                int t = rng.nextInt(ids.length - 1);
                x[i] = ids[t];
                y[i] = ids[t + 1];
            }
            adam.zeroGrad();
            Functional.crossEntropy(Functional.embedding(w, Tensor.fromArray(x)), Tensor.fromArray(y)).backward();
            adam.step();
            nll[s + 1] = evaluate(w, trainCounts);
        }
        return new Fit(w.detach(), nll);
    }

    @SuppressWarnings("try")
    private static double evaluate(Tensor logits, Tensor pairCounts) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            return Bigram.nll(logits, pairCounts).item();
        }
    }

    /** NLL in nats per character of a bigram table on a sequence. */
    static double nll(Tensor logits, int[] ids) {
        return evaluate(logits, Bigram.counts(ids, CharText.vocabSize()));
    }

    /** The unigram model's held-out NLL: every character predicted by its training frequency (+α), ignoring context. */
    static double unigramNll(int[] train, int[] heldOut) {
        int v = CharText.vocabSize();
        double[] counts = new double[v];
        for (int id : train) {
            counts[id]++;
        }
        double total = train.length + ALPHA * v;
        double sum = 0;
        for (int i = 1; i < heldOut.length; i++) {
            sum -= Math.log((counts[heldOut[i]] + ALPHA) / total);
        }
        return sum / (heldOut.length - 1);
    }

    /** Generation: start from {@code first}, then repeatedly draw the next character from row P(· | previous). */
    static int[] sample(Tensor logits, int first, int length, Rng rng) {
        int v = logits.dim(0);
        float[] p = Bigram.probabilities(logits).toArray();
        int[] out = new int[length];
        out[0] = first;
        for (int t = 1; t < length; t++) {
            double u = rng.nextDouble();
            int next = v - 1;
            for (int b = 0; b < v; b++) {
                u -= p[out[t - 1] * v + b];
                if (u < 0) {
                    next = b;
                    break;
                }
            }
            out[t] = next;
        }
        return out;
    }

    // ---------------------------------------------------------------- looking at all previous tokens

    /** One window of the text as model input (1, T). */
    static Tensor window(int[] ids, int start, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = ids[start + i];
        }
        return Tensor.fromArray(x, 1, length);
    }

    /**
     * Which positions' predictions move when token {@code j} of the input is replaced: for each position t, the
     * largest change of any of its logits.
     */
    @SuppressWarnings("try")
    static double[] changeFromEditingToken(Module model, Tensor ids, int j, int replacement) {
        float[] edited = ids.toArray();
        edited[j] = replacement;
        int t = ids.dim(1);
        float[] before;
        float[] after;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            before = model.forward(ids).toArray();
            after = model.forward(Tensor.fromArray(edited, 1, t)).toArray();
        }
        int v = before.length / t;
        double[] change = new double[t];
        for (int i = 0; i < before.length; i++) {
            change[i / v] = Math.max(change[i / v], Math.abs(before[i] - after[i]));
        }
        return change;
    }

    /** Training losses of an attention model (causal or not) on next-character prediction, and the model. */
    record Trained(AttentionModel model, double[] losses) {
    }

    static Trained trainAttention(boolean causal, int steps, long seed) {
        int[] ids = trainIds();
        Rng rng = new Rng(seed);
        AttentionModel model = new AttentionModel(CharText.vocabSize(), CONTEXT, WIDTH, causal, rng);
        Adam adam = new Adam(model.parameters()).lr(ATTENTION_LR);
        int batch = 16;
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            float[] x = new float[batch * CONTEXT];
            float[] y = new float[batch * CONTEXT];
            for (int b = 0; b < batch; b++) {
                int start = rng.nextInt(ids.length - CONTEXT - 1);
                for (int i = 0; i < CONTEXT; i++) {
                    x[b * CONTEXT + i] = ids[start + i];
                    y[b * CONTEXT + i] = ids[start + i + 1];
                }
            }
            adam.zeroGrad();
            Tensor loss = Functional.crossEntropy(model.forward(Tensor.fromArray(x, batch, CONTEXT)),
                    Tensor.fromArray(y, batch, CONTEXT));
            loss.backward();
            adam.step();
            losses[s] = loss.item();
        }
        return new Trained(model, losses);
    }

    /**
     * Loss on held-out windows scored two ways: [0] with the whole window as input, as in training; [1] as in
     * generation, where the prediction for position t is made from tokens 0..t only (the future does not exist yet).
     */
    @SuppressWarnings("try")
    static double[] heldOutLoss(Module model, int windows) {
        int[] ids = heldOutIds();
        double whole = 0;
        double prefixOnly = 0;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int w = 0; w < windows; w++) {
                int start = w * (CONTEXT + 1);
                Tensor x = window(ids, start, CONTEXT);
                Tensor y = window(ids, start + 1, CONTEXT);
                whole += Functional.crossEntropy(model.forward(x), y).item();
                for (int t = 0; t < CONTEXT; t++) {
                    Tensor logits = model.forward(x.slice(1, 0, t + 1)).slice(1, t, t + 1);
                    prefixOnly += Functional.crossEntropy(logits, y.slice(1, t, t + 1)).item() / CONTEXT;
                }
            }
        }
        return new double[] {whole / windows, prefixOnly / windows};
    }

    public static void main(String[] args) {
        int v = CharText.vocabSize();
        int[] train = trainIds();
        int[] heldOut = heldOutIds();
        Tensor counted = countModel();
        System.out.printf(Locale.ROOT, "characters: vocabulary %d, %d for fitting, %d held out (nats per character)%n",
                v, train.length, heldOut.length);
        System.out.printf(Locale.ROOT, "  uniform          held-out %.3f  (log V)%n", Math.log(v));
        System.out.printf(Locale.ROOT, "  unigram          held-out %.3f%n", unigramNll(train, heldOut));
        System.out.printf(Locale.ROOT, "  bigram, counted  train %.3f  held-out %.3f  (alpha = %.1f)%n",
                nll(counted, train), nll(counted, heldOut), ALPHA);
        Fit learned = learnedBigram(BIGRAM_STEPS, 23);
        System.out.printf(Locale.ROOT, "  bigram, learned  train %.3f  held-out %.3f  (Adam, %d steps of 1024 pairs, "
                + "cosine lr)%n",
                nll(learned.logits(), train), nll(learned.logits(), heldOut), BIGRAM_STEPS);
        int h = CharText.encode("h")[0];
        int t = CharText.encode("t")[0];
        System.out.printf(Locale.ROOT, "  P('h' | 't'): counted %.3f, learned %.3f%n",
                Bigram.probabilities(counted).toArray()[t * v + h],
                Bigram.probabilities(learned.logits()).toArray()[t * v + h]);
        System.out.println("  a sample from the counted bigram:");
        System.out.println("    " + CharText.decode(sample(counted, t, 160, new Rng(5))).replace("\n", "\n    "));

        Trained causal = trainAttention(true, ATTENTION_STEPS, 7);
        Trained unmasked = trainAttention(false, ATTENTION_STEPS, 7);
        Tensor x = window(heldOut, 0, CONTEXT);
        int j = 20;
        double[] causalChange = changeFromEditingToken(causal.model(), x, j, CharText.encode("Q")[0]);
        double[] leakyChange = changeFromEditingToken(unmasked.model(), x, j, CharText.encode("Q")[0]);
        System.out.printf(Locale.ROOT, "one-layer attention, context %d: replace input token %d, largest change of "
                + "the logits at positions 0..%d:%n  causal %.3g, unmasked %.3g%n", CONTEXT, j, j - 1,
                maxOf(causalChange, j), maxOf(leakyChange, j));
        double[] c = heldOutLoss(causal.model(), 8);
        double[] u = heldOutLoss(unmasked.model(), 8);
        System.out.printf(Locale.ROOT, "after %d training steps: final training loss causal %.3f, unmasked %.3f%n",
                ATTENTION_STEPS, causal.losses()[ATTENTION_STEPS - 1], unmasked.losses()[ATTENTION_STEPS - 1]);
        System.out.printf(Locale.ROOT, "held-out loss, whole window as input / only the past as input (generation):%n"
                + "  causal   %.3f / %.3f%n  unmasked %.3f / %.3f%n", c[0], c[1], u[0], u[1]);

        Path folder = LessonFolder.of("23-autoregressive-models");
        double[] countedLine = new double[learned.nll().length];
        Arrays.fill(countedLine, nll(counted, train));
        Plot.lines("Bigram by gradient descent approaches the counted bigram", "step", "training NLL (nats/char)")
                .series("learned table", learned.nll()).series("counted, alpha 0.1", countedLine)
                .save(folder.resolve("bigram.png"));
        Plot.lines("Next-character training loss of one attention layer", "step", "loss (nats/char)")
                .series("causal mask", causal.losses()).series("no mask (sees the answer)", unmasked.losses())
                .save(folder.resolve("masking.png"));
        System.out.println("wrote bigram.png and masking.png in " + folder);
    }

    /** max of the first n entries. */
    static double maxOf(double[] xs, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, xs[i]);
        }
        return m;
    }
}
