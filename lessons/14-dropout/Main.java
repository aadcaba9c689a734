package dev.descent.lessons.dropout;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.nn.layers.Tanh;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lesson 14: dropout. While training, zero each unit with probability p and scale the survivors by 1/(1 − p);
 * at inference, do nothing. The scaling keeps every unit's expected value, so the inference network is (for a
 * linear read-out) exactly the average of all the thinned networks that training sampled.
 */
public final class Main {
    static final int INPUTS = 8;
    static final int HIDDEN = 16;

    /** Dropout from primitives: y = x ⊙ mask in training, y = x at inference. */
    static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        return training ? x.mul(DropoutMask.draw(rng, p, x.shape().dims())) : x;
    }

    /** x → Linear → ReLU → Dropout(p) → Linear(·, 1): the dropped units feed a linear read-out. */
    static Module linearReadout(long seed, float p) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(INPUTS, HIDDEN, rng), new ReLU(), new Dropout(p, rng),
                new Linear(HIDDEN, 1, rng));
    }

    /** The same, but the dropped units pass through another layer and a tanh before the read-out. */
    static Module nonlinearReadout(long seed, float p) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(INPUTS, HIDDEN, rng), new ReLU(), new Dropout(p, rng),
                new Linear(HIDDEN, HIDDEN, rng), new Tanh(), new Linear(HIDDEN, 1, rng));
    }

    /** A seeded input row {@code (1, INPUTS)}, scaled up so the tanh is well into its curved range. */
    static Tensor input(long seed) {
        return Tensor.randn(new Rng(seed), 1, INPUTS).mul(3);
    }

    /** The mean of K training-mode outputs (K masks, drawn in one batch) and its standard error s/√K. */
    record Average(double mean, double standardError) {
    }

    static Average averageOverMasks(Module net, Tensor x, int k) {
        net.train();
        float[] ys = net.forward(x.broadcastTo(k, x.dim(-1))).toArray();
        double sum = 0;
        double sumSq = 0;
        for (float y : ys) {
            sum += y;
            sumSq += (double) y * y;
        }
        double mean = sum / k;
        double variance = (sumSq - k * mean * mean) / (k - 1);
        return new Average(mean, Math.sqrt(variance / k));
    }

    /** The inference-mode output: every unit kept, no scaling. */
    static double evalOutput(Module net, Tensor x) {
        net.eval();
        return net.forward(x).item();
    }

    private static String show(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v[i]));
        }
        return sb.append("]").toString();
    }

    public static void main(String[] args) {
        float p = 0.5f;
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 8);
        System.out.println("x                           " + show(x));
        System.out.println("primitive dropout, p = 0.5  " + show(dropout(x, p, true, new Rng(3))));
        System.out.println("nn Dropout, same seed       " + show(new Dropout(p, new Rng(3)).forward(x)));
        Dropout layer = new Dropout(p, new Rng(3));
        layer.eval();
        System.out.println("nn Dropout in eval mode     " + show(layer.forward(x)));

        Tensor ones = Tensor.ones(100_000);
        for (float q : new float[] {0.1f, 0.5f, 0.9f}) {
            float[] y = dropout(ones, q, true, new Rng(4)).toArray();
            int zeros = 0;
            double sum = 0;
            for (float v : y) {
                zeros += v == 0 ? 1 : 0;
                sum += v;
            }
            System.out.printf(Locale.ROOT, "p = %.1f on 100000 ones: fraction zeroed %.4f, mean output %.4f "
                    + "(without the 1/(1-p) scale it would be %.1f)%n", q, zeros / 1e5, sum / 1e5, 1 - q);
        }

        Module linear = linearReadout(5, p);
        Module nonlinear = nonlinearReadout(5, p);
        Tensor in = input(6);
        double linearEval = evalOutput(linear, in);
        double nonlinearEval = evalOutput(nonlinear, in);
        System.out.printf(Locale.ROOT, "eval-mode output: linear read-out %.5f, tanh before the read-out %.5f%n",
                linearEval, nonlinearEval);
        int[] ks = {10, 30, 100, 300, 1000, 3000, 10000};
        double[] masks = new double[ks.length];
        double[] linearGap = new double[ks.length];
        double[] nonlinearGap = new double[ks.length];
        double[] linearError = new double[ks.length];
        System.out.println("average over K dropout masks minus the eval-mode output (standard error of the average):");
        for (int i = 0; i < ks.length; i++) {
            Average a = averageOverMasks(linear, in, ks[i]);
            Average b = averageOverMasks(nonlinear, in, ks[i]);
            masks[i] = ks[i];
            linearGap[i] = Math.abs(a.mean() - linearEval);
            nonlinearGap[i] = Math.abs(b.mean() - nonlinearEval);
            linearError[i] = a.standardError();
            System.out.printf(Locale.ROOT, "  K = %5d  linear read-out %+.5f (%.5f)   tanh first %+.5f (%.5f)%n",
                    ks[i], a.mean() - linearEval, a.standardError(), b.mean() - nonlinearEval, b.standardError());
        }

        Path folder = LessonFolder.of("14-dropout");
        Plot.lines("|average over K masks - eval output|", "masks averaged K", "gap").logX().logY()
                .series("linear read-out after dropout", masks, linearGap)
                .series("standard error of the linear net's average", masks, linearError)
                .series("tanh between dropout and read-out", masks, nonlinearGap)
                .save(folder.resolve("ensemble.png"));
        System.out.println("wrote ensemble.png in " + folder);
    }
}
