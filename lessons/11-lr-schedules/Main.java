package dev.descent.lessons.lrschedules;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Objective;
import dev.descent.lessons.Plot;
import dev.descent.optim.Adam;
import dev.descent.optim.LrSchedule;
import dev.descent.optim.WarmupCosineLr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 11: learning-rate schedules. The build-nanogpt / llm.c schedule (linear warmup, cosine decay to a floor,
 * held there after the last step) is written from its formula and checked against
 * {@code dev.descent.optim.WarmupCosineLr}. Then a regression shows what the warmup is for: Adam's first steps at
 * the full rate overshoot, the loss spikes, and the run never recovers the lost ground.
 */
public final class Main {
    /** build-nanogpt's GPT-2 124M numbers: peak 6e-4, floor 0.1 × peak, 715 warmup steps, 19073 steps in all. */
    static final double GPT2_MAX_LR = 6e-4;
    static final double GPT2_MIN_LR = 6e-5;
    static final long GPT2_WARMUP = 715;
    static final long GPT2_STEPS = 19073;

    /**
     * The regression the warmup is tested on: 64 examples with 100 features uniform in [0, 1) (all positive, as
     * after a ReLU), targets 0.1 + 0.05·z with z standard normal. 64 equations in 100 unknowns: the loss can
     * reach 0.
     */
    record Regression(Tensor inputs, Tensor targets) implements Objective {
        static final int EXAMPLES = 64;
        static final int FEATURES = 100;

        static Regression make(long seed) {
            Rng rng = new Rng(seed);
            Tensor x = Tensor.rand(rng, EXAMPLES, FEATURES);
            Tensor y = Tensor.randn(rng, EXAMPLES).mul(0.05f).add(0.1f);
            return new Regression(x, y);
        }

        /** ½·mean((X·w − y)²), with w of shape (100). */
        @Override
        public Tensor loss(Tensor w) {
            Tensor predictions = inputs.matmul(w.reshape(FEATURES, 1)).reshape(EXAMPLES);
            return predictions.sub(targets).pow(2).mean().mul(0.5f);
        }
    }

    static final long SEED = 11;
    static final double MAX_LR = 0.02;
    static final double MIN_LR = 0.002;
    static final int STEPS = 500;
    static final int WARMUP = 50;
    static final double BETA2 = 0.999;

    /**
     * One training run: the loss before each step and after the last, the first weights after step 1, and at the
     * end Adam's √v̂ (the root of its bias-corrected mean squared gradient, averaged over the weights).
     */
    record Run(double[] losses, float[] weightsAfterStep1, double finalRootVHat) {
    }

    /**
     * Adam (β 0.9/0.999) on the regression from w = 0 for {@link #STEPS} steps under warmup + cosine, peak 0.02,
     * floor 0.002, with {@code warmup} warmup steps (1 = none: the first step already uses the full 0.02).
     */
    static Run train(Regression problem, long warmup) {
        LrSchedule schedule = new WarmupCosineLr(MAX_LR, MIN_LR, warmup, STEPS);
        Tensor w = Tensor.zeros(Regression.FEATURES).requiresGrad(true);
        Adam adam = new Adam(List.of(w)).lr(MAX_LR).betas(0.9, BETA2);
        double[] losses = new double[STEPS + 1];
        float[] afterStep1 = null;
        for (int t = 0; t < STEPS; t++) {
            schedule.apply(adam, t);
            adam.zeroGrad();
            Tensor loss = problem.loss(w);
            losses[t] = loss.item();
            loss.backward();
            adam.step();
            if (t == 0) {
                afterStep1 = w.toArray();
            }
        }
        losses[STEPS] = problem.value(w.toArray());
        // √v̂ = √(v/(1 − β2^T)), averaged over the weights
        Tensor v = adam.state(0).get("exp_avg_sq");
        double rootVHat = v.div((float) (1 - Math.pow(BETA2, STEPS))).sqrt().mean().item();
        return new Run(losses, afterStep1, rootVHat);
    }

    static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    public static void main(String[] args) throws IOException {
        WarmupCosineLr gpt2 = new WarmupCosineLr(GPT2_MAX_LR, GPT2_MIN_LR, GPT2_WARMUP, GPT2_STEPS);
        System.out.println("GPT-2 124M (build-nanogpt): max 6e-4, min 6e-5, warmup 715, 19073 steps");
        System.out.println("       t   by hand      WarmupCosineLr");
        for (long t : new long[] {0, 1, 357, 714, 715, 9894, 19073, 19074, 25000}) {
            System.out.printf(Locale.ROOT, "  %6d   %.5e  %.5e%n", t,
                    Schedule.warmupCosine(t, GPT2_MAX_LR, GPT2_MIN_LR, GPT2_WARMUP, GPT2_STEPS), gpt2.lr(t));
        }
        double maxDifference = 0;
        for (long t = 0; t <= 25000; t++) {
            maxDifference = Math.max(maxDifference, Math.abs(gpt2.lr(t)
                    - Schedule.warmupCosine(t, GPT2_MAX_LR, GPT2_MIN_LR, GPT2_WARMUP, GPT2_STEPS)));
        }
        System.out.printf(Locale.ROOT, "  max |difference| over t = 0..25000: %s%n", maxDifference);

        Regression problem = Regression.make(SEED);
        Run none = train(problem, 1);
        Run warm = train(problem, WARMUP);
        System.out.printf(Locale.ROOT, "regression, 64 examples x 100 features in [0, 1), Adam, peak lr %.2f, cosine to "
                + "%.3f over %d steps; loss at the start %.5f%n", MAX_LR, MIN_LR, STEPS, none.losses()[0]);
        System.out.println("  warmup      loss after step 1..5                         highest (step)    final     "
                + "final sqrt(v_hat)");
        for (Run run : List.of(none, warm)) {
            double[] l = run.losses();
            System.out.printf(Locale.ROOT, "  %-10s  %.4f  %.4f  %.4f  %.4f  %.4f   %.4f (%3d)   %.2e  %.4f%n",
                    run == none ? "none" : WARMUP + " steps", l[1], l[2], l[3], l[4], l[5], max(l), argMax(l),
                    l[STEPS], run.finalRootVHat());
        }
        float smallest = Float.MAX_VALUE;
        float largest = 0;
        for (float x : none.weightsAfterStep1()) {
            smallest = Math.min(smallest, Math.abs(x));
            largest = Math.max(largest, Math.abs(x));
        }
        float meanPrediction = problem.inputs().matmul(Tensor.fromArray(none.weightsAfterStep1(),
                Regression.FEATURES, 1)).mean().item();
        System.out.printf(Locale.ROOT, "  without warmup, Adam's first step moves all 100 weights by %.4f to %.4f and "
                        + "the mean prediction from 0 to %.3f; the targets' mean is %.3f%n", smallest, largest,
                meanPrediction, problem.targets().mean().item());

        double smallestSpike = Double.MAX_VALUE;
        double largestSpike = 0;
        double highestWarmRise = 0;
        double smallestGain = Double.MAX_VALUE;
        for (long seed = 1; seed <= 8; seed++) {
            Regression data = Regression.make(seed);
            double[] a = train(data, 1).losses();
            double[] b = train(data, WARMUP).losses();
            smallestSpike = Math.min(smallestSpike, max(a) / a[0]);
            largestSpike = Math.max(largestSpike, max(a) / a[0]);
            highestWarmRise = Math.max(highestWarmRise, max(b) / b[0]);
            smallestGain = Math.min(smallestGain, a[STEPS] / b[STEPS]);
        }
        System.out.printf(Locale.ROOT, "  8 data sets (seeds 1-8): without warmup the loss jumps to %.0fx-%.0fx its start;"
                        + " with warmup its highest point is %.3fx the start; final loss at least %.0fx lower with warmup%n",
                smallestSpike, largestSpike, highestWarmRise, smallestGain);

        Path folder = LessonFolder.of("11-lr-schedules");
        double[] lrGpt2 = new double[20000];
        for (int t = 0; t < lrGpt2.length; t++) {
            lrGpt2[t] = gpt2.lr(t);
        }
        Plot.lines("GPT-2 124M: warmup 715, cosine to 6e-5 at 19073", "step", "learning rate")
                .series("WarmupCosineLr", lrGpt2)
                .save(folder.resolve("gpt2-schedule.png"));
        Plot.lines("Adam on the regression, peak lr 0.02", "step", "loss").logY()
                .series("no warmup", none.losses())
                .series(WARMUP + " warmup steps", warm.losses())
                .save(folder.resolve("warmup-loss.png"));
        double[] lrNone = new double[STEPS];
        double[] lrWarm = new double[STEPS];
        for (int t = 0; t < STEPS; t++) {
            lrNone[t] = Schedule.warmupCosine(t, MAX_LR, MIN_LR, 1, STEPS);
            lrWarm[t] = Schedule.warmupCosine(t, MAX_LR, MIN_LR, WARMUP, STEPS);
        }
        Plot.lines("The two schedules", "step", "learning rate")
                .series("no warmup", lrNone)
                .series(WARMUP + " warmup steps", lrWarm)
                .save(folder.resolve("warmup-lr.png"));
        System.out.println("wrote gpt2-schedule.png, warmup-loss.png and warmup-lr.png in " + folder);
    }
}
