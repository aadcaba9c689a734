package dev.descent.lessons.gradientclipping;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Tanh;
import dev.descent.optim.GradClip;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 18: gradient clipping. Measure the length of the whole gradient, all parameters together, and if it is
 * longer than a limit, shrink it to that length without turning it. Ordinary steps are untouched; one wild
 * gradient from a bad batch can no longer throw the weights somewhere training never comes back from.
 */
public final class Main {
    static final double LR = 0.05;
    static final double MAX_NORM = 2;
    static final int STEPS = 300;
    /** The step whose batch is corrupted: its targets are multiplied by {@link #CORRUPTION}. */
    static final int BAD_STEP = 150;
    static final float CORRUPTION = 1000;

    /** Three parameters with seeded gradients of overall size about {@code scale}. */
    static List<Tensor> paramsWithGradients(long seed, float scale) {
        Rng rng = new Rng(seed);
        List<Tensor> params = List.of(Tensor.zeros(4, 3).requiresGrad(true), Tensor.zeros(3).requiresGrad(true),
                Tensor.zeros(2, 2, 2).requiresGrad(true));
        for (Tensor p : params) {
            p.setGrad(Tensor.randn(rng, p.shape().dims()).mul(scale));
        }
        return params;
    }

    // ---------------------------------------------------------------- a spike in training

    /** 64 points of y = sin(2x) on [−2, 2]: inputs and targets (64, 1). */
    static Tensor[] sine(long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[64];
        float[] y = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 4 - 2);
            y[i] = (float) Math.sin(2 * x[i]);
        }
        return new Tensor[] {Tensor.fromArray(x, 64, 1), Tensor.fromArray(y, 64, 1)};
    }

    /** What happened in one run: the clean loss after each step, and the gradient norm at each step. */
    record Run(double[] loss, double[] gradNorm) {
    }

    /**
     * Full-batch SGD on a 1-32-32-1 tanh MLP; with {@code badBatch} the targets of step {@link #BAD_STEP} are
     * corrupted; with {@code clipping} every gradient is clipped by {@link GradClip} to {@link #MAX_NORM}.
     */
    @SuppressWarnings("try")
    static Run train(boolean badBatch, boolean clipping, long seed) {
        Rng rng = new Rng(seed);
        Module net = new Sequential(new Linear(1, 32, rng), new Tanh(), new Linear(32, 32, rng), new Tanh(),
                new Linear(32, 1, rng));
        Tensor[] data = sine(seed + 1);
        SGD sgd = new SGD(net.parameters()).lr(LR);
        double[] loss = new double[STEPS];
        double[] gradNorm = new double[STEPS];
        for (int t = 0; t < STEPS; t++) {
            sgd.zeroGrad();
            Tensor target = badBatch && t == BAD_STEP ? data[1].mul(CORRUPTION) : data[1];
            net.forward(data[0]).sub(target).pow(2).mean().backward();
            gradNorm[t] = clipping ? GradClip.clipGradNorm(sgd.params(), MAX_NORM) : GlobalNormClip.norm(sgd.params());
            sgd.step();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                loss[t] = net.forward(data[0]).sub(data[1]).pow(2).mean().item();
            }
        }
        return new Run(loss, gradNorm);
    }

    static double max(double[] values, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m = Math.max(m, values[i]);
        }
        return m;
    }

    /** Whether a loss has run away: not a finite number, or above a million (the clean loss is below 0.1). */
    static boolean diverged(double loss) {
        return !Double.isFinite(loss) || loss > 1e6;
    }

    public static void main(String[] args) {
        List<Tensor> mine = paramsWithGradients(1, 1);
        List<Tensor> theirs = paramsWithGradients(1, 1);
        double before = GlobalNormClip.clip(mine, 1.5);
        double returned = GradClip.clipGradNorm(theirs, 1.5);
        double largest = 0;
        for (int i = 0; i < mine.size(); i++) {
            float[] a = mine.get(i).grad().toArray();
            float[] b = theirs.get(i).grad().toArray();
            for (int j = 0; j < a.length; j++) {
                largest = Math.max(largest, Math.abs(a[j] - b[j]));
            }
        }
        System.out.printf(Locale.ROOT, "3 tensors, 23 gradient entries: global norm %.6f (GradClip returns %.6f); "
                + "clipped to 1.5: norm after %.6f, largest difference from GradClip %.1e%n", before, returned,
                GlobalNormClip.norm(mine), largest);

        Run clean = train(false, false, 1);
        Run spiked = train(true, false, 1);
        Run clipped = train(true, true, 1);
        System.out.printf(Locale.ROOT, "sine regression, SGD lr %s, %d steps, step %d's targets x %.0f:%n", LR, STEPS,
                BAD_STEP, CORRUPTION);
        System.out.printf(Locale.ROOT, "  gradient norm on clean steps at most %.3f; on the bad batch %.1f%n",
                Math.max(max(clean.gradNorm(), 0, STEPS), max(clipped.gradNorm(), 0, BAD_STEP)),
                clipped.gradNorm()[BAD_STEP]);
        for (Object[] row : new Object[][] {{"no bad batch", clean}, {"bad batch, no clipping", spiked},
                {"bad batch, clipped to " + MAX_NORM, clipped}}) {
            Run run = (Run) row[1];
            System.out.printf(Locale.ROOT, "  %-26s loss before step %d %.4f, after it %.4f, at step %d %.4g%n", row[0],
                    BAD_STEP, run.loss()[BAD_STEP - 1], run.loss()[BAD_STEP], STEPS - 1, run.loss()[STEPS - 1]);
        }
        System.out.printf(Locale.ROOT, "  without clipping the loss is %.1e at step 200 and %.1e at step %d: it never comes back%n",
                spiked.loss()[200], spiked.loss()[STEPS - 1], STEPS - 1);

        Path folder = LessonFolder.of("18-gradient-clipping");
        Plot.lines("One corrupted batch at step " + BAD_STEP, "step", "loss on the clean data").logY()
                .series("no bad batch", clean.loss()).series("bad batch, no clipping", spiked.loss())
                .series("bad batch, clipped to norm " + MAX_NORM, clipped.loss())
                .save(folder.resolve("spike.png"));
        Plot.lines("The same, without the unclipped run", "step", "loss on the clean data").logY()
                .series("no bad batch", clean.loss()).series("bad batch, clipped to norm " + MAX_NORM, clipped.loss())
                .save(folder.resolve("clipped.png"));
        System.out.println("wrote spike.png and clipped.png in " + folder);
    }
}
