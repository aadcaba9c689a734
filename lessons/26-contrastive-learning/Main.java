package dev.descent.lessons.contrastivelearning;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.nn.losses.InfoNCELoss;
import dev.descent.nn.losses.NTXentLoss;
import dev.descent.optim.Adam;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Lesson 26: contrastive learning. No labels: two randomly corrupted views of the same point form a positive
 * pair, every other point of the batch is a negative. Training pulls positives together and pushes negatives
 * apart on the unit sphere.
 */
public final class Main {
    static final int DIM = 16;
    /** The coordinates that identify a point; the others are nuisance, redrawn for every view. */
    static final int SIGNAL = 4;
    static final int EMBED = 16;
    static final int BATCH = 64;
    static final int STEPS = 150;
    static final double NUISANCE = 2.0;
    static final double JITTER = 0.1;
    static final double LR = 1e-2;

    /** N points, each identified by SIGNAL coordinates from N(0, 1): (N, SIGNAL). */
    static float[] points(int n, Rng rng) {
        float[] u = new float[n * SIGNAL];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) rng.nextGaussian();
        }
        return u;
    }

    /**
     * One random view of each point, (N, DIM): its SIGNAL coordinates plus a little jitter, then DIM − SIGNAL
     * nuisance coordinates drawn afresh (standard deviation NUISANCE), like lighting or background that changes
     * from one photo of an object to the next.
     */
    static Tensor view(float[] u, Rng rng) {
        int n = u.length / SIGNAL;
        float[] v = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < DIM; d++) {
                v[i * DIM + d] = d < SIGNAL
                        ? u[i * SIGNAL + d] + (float) (JITTER * rng.nextGaussian())
                        : (float) (NUISANCE * rng.nextGaussian());
            }
        }
        return Tensor.fromArray(v, n, DIM);
    }

    /** The encoder: an MLP 16 -> 64 -> 16. */
    static Module encoder(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(DIM, 64, rng), new ReLU(), new Linear(64, EMBED, rng));
    }

    /**
     * How an encoder separates pairs, on 128 new points with two views each: {mean cosine of positive pairs,
     * mean cosine of negative pairs, top-1 retrieval accuracy (view 1's most similar view 2 is its partner)}.
     */
    @SuppressWarnings("try")
    static double[] evaluate(Module encoder) {
        Rng rng = new Rng(777);
        float[] x = points(128, rng);
        float[] s;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            s = Cosine.matrix(encoder.forward(view(x, rng)), encoder.forward(view(x, rng))).toArray();
        }
        int n = 128;
        double pos = 0;
        double neg = 0;
        int right = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    pos += s[i * n + j] / n;
                } else {
                    neg += s[i * n + j] / (n * (n - 1.0));
                }
                best = s[i * n + j] > s[i * n + best] ? j : best;
            }
            right += best == i ? 1 : 0;
        }
        return new double[] {pos, neg, right / (double) n};
    }

    /** Training at temperature τ: the encoder and {positive cosine, negative cosine} measured every 10 steps. */
    record Training(Module encoder, double[] positive, double[] negative) {
    }

    /** Adam on nn's NTXentLoss, each step a fresh batch of BATCH points with two random views each. */
    static Training train(float temperature, int steps, long seed) {
        Module encoder = encoder(seed);
        NTXentLoss loss = new NTXentLoss(temperature);
        Adam adam = new Adam(encoder.parameters()).lr(LR);
        Rng rng = new Rng(seed + 1);
        double[] positive = new double[steps / 10 + 1];
        double[] negative = new double[steps / 10 + 1];
        for (int s = 0; s <= steps; s++) {
            if (s % 10 == 0) {
                double[] e = evaluate(encoder);
                positive[s / 10] = e[0];
                negative[s / 10] = e[1];
            }
            if (s == steps) {
                break;
            }
            float[] x = points(BATCH, rng);
            adam.zeroGrad();
            loss.forward(encoder.forward(view(x, rng)), encoder.forward(view(x, rng))).backward();
            adam.step();
        }
        return new Training(encoder, positive, negative);
    }

    /** The largest |a − b|. */
    static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /**
     * Our losses against nn's on random (8, 5) embeddings at temperature τ: {|NT-Xent difference|, max gradient
     * difference w.r.t. z₁, |InfoNCE difference|, our NT-Xent value}.
     */
    static double[] compareWithNn(float temperature) {
        Rng rng = new Rng(26);
        Tensor z1 = Tensor.randn(rng, 8, 5).requiresGrad(true);
        Tensor z2 = Tensor.randn(rng, 8, 5);
        Tensor ours = Contrastive.ntXent(z1, z2, temperature);
        ours.backward();
        float[] ourGrad = z1.grad().toArray();
        z1.zeroGrad();
        Tensor theirs = new NTXentLoss(temperature).forward(z1, z2);
        theirs.backward();
        double info = Math.abs(Contrastive.infoNce(z1, z2, temperature).item()
                - new InfoNCELoss(temperature).forward(z1, z2).item());
        return new double[] {Math.abs(ours.item() - theirs.item()), maxAbs(ourGrad, z1.grad().toArray()), info, ours.item()};
    }

    /**
     * How many negatives a row's gradient effectively listens to at temperature τ: the gradient of ℓᵢ pushes
     * negative k with weight softmax(s(i, k)/τ) over the negatives; return exp(entropy) of those weights,
     * averaged over rows, for the untrained encoder on one batch (1 = one negative, 2N − 2 = all equally).
     */
    @SuppressWarnings("try")
    static double effectiveNegatives(float temperature) {
        Rng rng = new Rng(5);
        float[] x = points(BATCH, rng);
        Module encoder = encoder(26);
        float[] s;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            s = Cosine.matrix(encoder.forward(view(x, rng)), encoder.forward(view(x, rng))).toArray();
        }
        double total = 0;
        for (int i = 0; i < BATCH; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < BATCH; k++) {
                if (k != i) {
                    max = Math.max(max, s[i * BATCH + k] / temperature);
                }
            }
            double z = 0;
            double[] w = new double[BATCH];
            for (int k = 0; k < BATCH; k++) {
                if (k != i) {
                    w[k] = Math.exp(s[i * BATCH + k] / temperature - max);
                    z += w[k];
                }
            }
            double entropy = 0;
            for (int k = 0; k < BATCH; k++) {
                if (w[k] > 0) {
                    entropy -= w[k] / z * Math.log(w[k] / z);
                }
            }
            total += Math.exp(entropy) / BATCH;
        }
        return total;
    }

    public static void main(String[] args) {
        double[] agree = compareWithNn(0.5f);
        System.out.printf(Locale.ROOT, "NT-Xent from primitives %.6f; nn NTXentLoss differs by %.1e (gradient by %.1e); "
                + "InfoNCE vs nn InfoNCELoss by %.1e%n", agree[3], agree[0], agree[1], agree[2]);
        double[] before = evaluate(encoder(26));
        System.out.printf(Locale.ROOT, "two views of 128 new points (%d identifying coordinates, %d nuisance), "
                + "cosine similarity:%n", SIGNAL, DIM - SIGNAL);
        double[] raw = evaluate(new Sequential());
        System.out.printf(Locale.ROOT, "  raw views (no encoder):   positives %.3f  negatives %.3f  top-1 retrieval %.3f%n",
                raw[0], raw[1], raw[2]);
        System.out.printf(Locale.ROOT, "  untrained encoder:        positives %.3f  negatives %.3f  top-1 retrieval %.3f%n",
                before[0], before[1], before[2]);
        float[] temperatures = {0.05f, 0.2f, 1.0f};
        Training[] runs = new Training[temperatures.length];
        for (int i = 0; i < temperatures.length; i++) {
            runs[i] = train(temperatures[i], STEPS, 26);
            double[] after = evaluate(runs[i].encoder());
            System.out.printf(Locale.ROOT, "  %d steps at tau = %.2f:  positives %.3f  negatives %.3f  top-1 retrieval "
                    + "%.3f%n",
                    STEPS, temperatures[i], after[0], after[1], after[2]);
        }
        System.out.println("  effective number of negatives in the gradient (of 63), untrained encoder:");
        for (float t : new float[] {0.05f, 0.1f, 0.2f, 0.5f, 1.0f}) {
            System.out.printf(Locale.ROOT, "    tau = %.2f: %.1f%n", t, effectiveNegatives(t));
        }

        Path folder = LessonFolder.of("26-contrastive-learning");
        double[] steps = new double[STEPS / 10 + 1];
        Arrays.setAll(steps, i -> 10.0 * i);
        Plot plot = Plot.lines("Cosine similarity of view pairs during NT-Xent training", "step", "mean cosine");
        for (int i = 0; i < temperatures.length; i++) {
            String tau = String.format(Locale.ROOT, "tau %.2f", temperatures[i]);
            plot.series("positives, " + tau, steps, runs[i].positive())
                    .series("negatives, " + tau, steps, runs[i].negative());
        }
        plot.save(folder.resolve("similarities.png"));
        System.out.println("wrote similarities.png in " + folder);
    }
}
