package dev.descent.lessons.batchsize;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Lesson 05: the batch size. The gradient of a random mini-batch is the full gradient plus noise whose variance
 * falls as 1/B; full-batch, one-example and mini-batch gradient descent then trade smoothness per update
 * against progress per example seen.
 */
public final class Main {
    static final int EXAMPLES = 2048;
    static final int FEATURES = 8;
    static final float NOISE = 0.5f;
    static final long DATA_SEED = 5;
    static final double LR = 0.02;
    static final int EPOCHS = 4;
    static final int UPDATES = 200;
    /** Updates before the noise floor is measured (the start of training is over by then) and after. */
    static final int FLOOR_BURN_IN = 300;
    static final int FLOOR_UPDATES = 1000;

    static Regression data() {
        return Regression.make(DATA_SEED, EXAMPLES, FEATURES, NOISE);
    }

    /** dL/dw of L = (1/B) Σ_{i in rows} (x_i·w − y_i)² at w (D), by autograd: a (D) array. */
    static float[] batchGradient(Regression data, float[] w, int[] rows) {
        Tensor weights = Tensor.fromArray(w, w.length, 1).requiresGrad(true);
        data.x(rows).matmul(weights).sub(data.y(rows)).pow(2).mean().backward();
        return weights.grad().toArray();
    }

    /**
     * σ² = (1/N) Σ_i ‖g_i − g‖²: how far one example's gradient g_i = 2(x_i·w − y_i)·x_i lies from the full
     * gradient g, their mean, on average. Computed for all N examples at once with tensor ops.
     */
    static double perExampleVariance(Regression data, float[] w) {
        int[] all = data.allRows();
        Tensor x = data.x(all);
        Tensor residual = x.matmul(Tensor.fromArray(w, w.length, 1)).sub(data.y(all));
        Tensor perExample = x.mul(residual).mul(2);
        Tensor deviation = perExample.sub(perExample.mean(0, true));
        return deviation.pow(2).sum().item() / data.examples();
    }

    /** E‖g_B − g‖² for a batch of B distinct examples drawn at random from N ({@link BatchNoise}). */
    static double predictedNoise(double sigma2, int examples, int batchSize) {
        return BatchNoise.expected(sigma2, examples, batchSize);
    }

    /** The mean of ‖g_B − g‖² over {@code draws} random batches of B distinct examples. */
    static double measuredNoise(Regression data, float[] w, int batchSize, int draws, Rng rng) {
        float[] full = batchGradient(data, w, data.allRows());
        double total = 0;
        for (int k = 0; k < draws; k++) {
            float[] g = batchGradient(data, w, randomRows(rng, data.examples(), batchSize));
            for (int i = 0; i < g.length; i++) {
                total += (g[i] - full[i]) * (double) (g[i] - full[i]);
            }
        }
        return total / draws;
    }

    /** {@code count} distinct indices from 0..n−1 in random order: the first steps of a Fisher–Yates shuffle. */
    static int[] randomRows(Rng rng, int n, int count) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(n - i);
            int swap = perm[i];
            perm[i] = perm[j];
            perm[j] = swap;
        }
        return Arrays.copyOf(perm, count);
    }

    /** Excess training loss L(w) − L* recorded along a run, against examples seen and against updates. */
    record Curve(double[] examplesSeen, double[] updates, double[] excessLoss) {
    }

    /** How the rows of each batch are chosen. */
    enum Sampling {
        /** Each epoch visits every example once, in a fresh random order, B at a time (the usual way). */
        SHUFFLED_EPOCHS,
        /** Every batch is B distinct examples drawn afresh, independently of all the batches before it. */
        INDEPENDENT;

        /** An endless stream of batches (row indices) of {@code batchSize} rows out of {@code examples}. */
        Supplier<int[]> batches(Rng rng, int examples, int batchSize) {
            if (this == INDEPENDENT) {
                return () -> randomRows(rng, examples, batchSize);
            }
            return new Supplier<>() {
                private int[] order = new int[0];
                private int position;

                @Override
                public int[] get() {
                    if (position + batchSize > order.length) {
                        order = randomRows(rng, examples, examples);
                        position = 0;
                    }
                    position += batchSize;
                    return Arrays.copyOfRange(order, position - batchSize, position);
                }
            };
        }
    }

    /**
     * Mini-batch SGD from w = 0 with batches of B rows (B = N is full-batch gradient descent, B = 1 one example
     * per update). Records L(w) − L* on all the data every {@code recordEvery} updates.
     */
    static Curve train(Regression data, int batchSize, Sampling sampling, int updates, int recordEvery, long seed) {
        Supplier<int[]> batches = sampling.batches(new Rng(seed), data.examples(), batchSize);
        Tensor w = Tensor.zeros(data.features(), 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(w)).lr(LR);
        int records = updates / recordEvery + 1;
        double[] seen = new double[records];
        double[] steps = new double[records];
        double[] excess = new double[records];
        for (int u = 0; u <= updates; u++) {
            if (u % recordEvery == 0) {
                int r = u / recordEvery;
                seen[r] = (double) u * batchSize;
                steps[r] = u;
                excess[r] = data.excessLoss(w.toArray());
            }
            if (u < updates) {
                int[] rows = batches.get();
                data.x(rows).matmul(w).sub(data.y(rows)).pow(2).mean().backward();
                sgd.step();
                sgd.zeroGrad();
            }
        }
        return new Curve(seen, steps, excess);
    }

    /**
     * With a fixed learning rate, SGD does not settle at w* but keeps being kicked around it by the gradient
     * noise. For small η on a quadratic the average excess loss it hovers at is E[L − L*] ≈ η·tr(C_B)/4, where
     * C_B is the covariance of the mini-batch gradient at w*: tr(C_B) = {@link #predictedNoise} with the
     * per-example variance σ*² measured at w*.
     */
    static double predictedNoiseFloor(double sigma2AtOptimum, int examples, int batchSize) {
        return LR * predictedNoise(sigma2AtOptimum, examples, batchSize) / 4;
    }

    /** The mean excess loss of a long SGD run over updates FLOOR_BURN_IN..FLOOR_BURN_IN + FLOOR_UPDATES. */
    static double measuredNoiseFloor(Regression data, int batchSize, Sampling sampling, long seed) {
        double[] excess = train(data, batchSize, sampling, FLOOR_BURN_IN + FLOOR_UPDATES, 1, seed).excessLoss();
        double sum = 0;
        for (int t = FLOOR_BURN_IN + 1; t < excess.length; t++) {
            sum += excess[t];
        }
        return sum / FLOOR_UPDATES;
    }

    /** The per-example gradient variance σ*² at the least-squares solution w*. */
    static double perExampleVarianceAtOptimum(Regression data) {
        double[] optimum = data.optimum();
        float[] w = new float[optimum.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) optimum[i];
        }
        return perExampleVariance(data, w);
    }

    /**
     * How much a loss curve zigzags, on the log scale where it is plotted: the total up-and-down movement
     * divided by the net fall, Σ|log L_{t+1} − log L_t| / (log L_0 − log L_T). Exactly 1 for a curve that only
     * goes down; 3 means it travelled three times the distance it needed to.
     */
    static double roughness(double[] curve) {
        double travelled = 0;
        for (int t = 1; t < curve.length; t++) {
            travelled += Math.abs(Math.log(curve[t]) - Math.log(curve[t - 1]));
        }
        return travelled / (Math.log(curve[0]) - Math.log(curve[curve.length - 1]));
    }

    public static void main(String[] args) {
        Regression data = data();
        float[] w0 = new float[FEATURES];
        double sigma2 = perExampleVariance(data, w0);
        System.out.printf(Locale.ROOT, "linear regression, N = %d examples, D = %d features, label noise %.1f, "
                + "L* = %.4f%n", EXAMPLES, FEATURES, NOISE, data.optimalLoss());
        System.out.printf(Locale.ROOT, "gradient noise at w = 0: per-example variance sigma^2 = %.2f%n", sigma2);
        System.out.println("      B   E|g_B - g|^2 measured   predicted sigma^2/B*(N-B)/(N-1)   measured/predicted");
        int[] noiseSizes = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
        double[] batchSizes = new double[noiseSizes.length];
        double[] measured = new double[noiseSizes.length];
        double[] predicted = new double[noiseSizes.length];
        Rng rng = new Rng(50);
        for (int i = 0; i < noiseSizes.length; i++) {
            int b = noiseSizes[i];
            batchSizes[i] = b;
            measured[i] = measuredNoise(data, w0, b, 500, rng);
            predicted[i] = predictedNoise(sigma2, EXAMPLES, b);
            System.out.printf(Locale.ROOT, "  %5d   %21.4f   %33.4f   %18.3f%n", b, measured[i], predicted[i],
                    measured[i] / predicted[i]);
        }

        int[] sizes = {EXAMPLES, 128, 64, 32, 1};
        String[] names = new String[sizes.length];
        Curve[] perExample = new Curve[sizes.length];
        Curve[] perUpdate = new Curve[sizes.length];
        System.out.printf(Locale.ROOT, "training with SGD, lr %.2f, from w = 0 (excess loss L - L*):%n", LR);
        System.out.printf(Locale.ROOT, "  batch   after %d epochs (%d examples)   after %d updates   roughness over "
                + "%d updates%n", EPOCHS, EPOCHS * EXAMPLES, UPDATES, UPDATES);
        for (int i = 0; i < sizes.length; i++) {
            int b = sizes[i];
            names[i] = b == EXAMPLES ? "full batch (" + b + ")" : "B = " + b;
            int updates = EPOCHS * EXAMPLES / b;
            perExample[i] = train(data, b, Sampling.SHUFFLED_EPOCHS, updates, Math.max(1, updates / 128), 500 + b);
            perUpdate[i] = train(data, b, Sampling.SHUFFLED_EPOCHS, UPDATES, 1, 500 + b);
            double[] e = perExample[i].excessLoss();
            double[] u = perUpdate[i].excessLoss();
            System.out.printf(Locale.ROOT, "  %-17s %16.3e   (%4d updates)   %14.3e   %10.2f%n", names[i],
                    e[e.length - 1], updates, u[UPDATES], roughness(u));
        }

        double sigma2Star = perExampleVarianceAtOptimum(data);
        System.out.printf(Locale.ROOT, "noise floor: mean L - L* over updates %d..%d, per-example variance at w* "
                + "sigma*^2 = %.3f%n", FLOOR_BURN_IN, FLOOR_BURN_IN + FLOOR_UPDATES, sigma2Star);
        System.out.println("      B   independent batches   predicted lr/4*sigma*^2/B*(N-B)/(N-1)   shuffled epochs");
        for (int b : new int[] {1, 32, 64, 128}) {
            System.out.printf(Locale.ROOT, "  %5d   %19.3e   %37.3e   %15.3e%n", b,
                    measuredNoiseFloor(data, b, Sampling.INDEPENDENT, 900 + b),
                    predictedNoiseFloor(sigma2Star, EXAMPLES, b),
                    measuredNoiseFloor(data, b, Sampling.SHUFFLED_EPOCHS, 900 + b));
        }

        Path folder = LessonFolder.of("05-batch-size");
        Plot.lines("Mini-batch gradient noise vs batch size (w = 0)", "batch size B", "E|g_B - g|^2")
                .markers("measured (500 batches each)", batchSizes, measured)
                .series("sigma^2/B (N-B)/(N-1)", batchSizes, predicted).logX().logY()
                .save(folder.resolve("noise.png"));
        Plot byExamples = Plot.lines("Excess loss vs examples seen (" + EPOCHS + " epochs)", "examples seen",
                "L - L*").logY();
        Plot byUpdates = Plot.lines("Excess loss vs updates", "update", "L - L*").logY();
        for (int i = 0; i < sizes.length; i++) {
            byExamples.series(names[i], perExample[i].examplesSeen(), perExample[i].excessLoss());
            byUpdates.series(names[i], perUpdate[i].updates(), perUpdate[i].excessLoss());
        }
        byExamples.save(folder.resolve("loss-vs-examples.png"));
        byUpdates.save(folder.resolve("loss-vs-updates.png"));
        System.out.println("wrote noise.png, loss-vs-examples.png and loss-vs-updates.png in " + folder);
    }
}
