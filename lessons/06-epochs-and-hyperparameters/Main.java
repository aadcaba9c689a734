package dev.descent.lessons.epochs;

import dev.descent.core.Autograd;
import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Lesson 06: epochs and hyperparameters. A degree-9 polynomial trained for many epochs on 20 noisy points keeps
 * lowering its training loss while its validation loss turns and rises (overfitting); a small sweep over
 * learning rate × epochs, judged on the validation set, picks where to stop; a test set, untouched until the
 * end, says how good the pick really is.
 */
public final class Main {
    static final int DEGREE = 9;
    static final double NOISE = 0.3;
    static final int TRAIN = 20;
    static final int VALIDATION = 200;
    static final int TEST = 1000;
    static final long DATA_SEED = 6;
    static final long SHUFFLE_SEED = 60;
    static final int BATCH = 4;
    static final int MAX_EPOCHS = 1000;
    static final double[] LRS = {0.003, 0.01, 0.03};
    static final int[] EPOCH_GRID = {1, 3, 10, 30, 100, 300, 1000};
    /** Which of {@link #LRS} the overfitting picture shows: 0.03. */
    static final int PICTURE = 2;

    /** One set of examples: inputs x (N, 1), their Legendre features Φ (N, DEGREE + 1) and targets y (N, 1). */
    record Split(Tensor x, Tensor features, Tensor y) {
        int size() {
            return x.dim(0);
        }
    }

    /** The three disjoint sets, all drawn from y = sin(πx) + 0.3·ε with x uniform in [−1, 1). */
    record Data(Split train, Split validation, Split test) {
        static Data make(long seed) {
            Rng rng = new Rng(seed);
            return new Data(draw(rng, TRAIN), draw(rng, VALIDATION), draw(rng, TEST));
        }
    }

    static Split draw(Rng rng, int n) {
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
            y[i] = (float) (Math.sin(Math.PI * x[i]) + NOISE * rng.nextGaussian());
        }
        Tensor xs = Tensor.fromArray(x, n, 1);
        return new Split(xs, legendre(xs, DEGREE), Tensor.fromArray(y, n, 1));
    }

    /**
     * Features √(2k+1)·P_k(x) for k = 0..degree, (N, degree + 1), from Bonnet's recurrence
     * P₀ = 1, P₁ = x, (k+1)·P_{k+1} = (2k+1)·x·P_k − k·P_{k−1}. Any polynomial of degree ≤ 9 is a combination of
     * them, exactly as of 1, x, .., x⁹; but these are orthonormal on [−1, 1], so gradient descent is not slowed
     * by nearly parallel features (x⁸ and x⁹ look almost alike; P₈ and P₉ do not).
     */
    static Tensor legendre(Tensor x, int degree) {
        List<Tensor> p = new ArrayList<>();
        p.add(Tensor.ones(x.dim(0), 1));
        p.add(x);
        for (int k = 1; k < degree; k++) {
            p.add(x.mul(p.get(k)).mul(2 * k + 1).sub(p.get(k - 1).mul(k)).div(k + 1));
        }
        List<Tensor> scaled = new ArrayList<>();
        for (int k = 0; k <= degree; k++) {
            scaled.add(p.get(k).mul((float) Math.sqrt(2 * k + 1)));
        }
        return Tensor.concat(scaled, 1);
    }

    /** Mean squared error of the model ŷ = Φ·w on a split. */
    @SuppressWarnings("try")
    static double loss(Split split, Tensor w) {
        try (var noGrad = Autograd.noGrad()) {
            return split.features().matmul(w).sub(split.y()).pow(2).mean().item();
        }
    }

    /** What a run recorded after every epoch 0..epochs: both losses and the weights themselves. */
    record Run(double[] trainLoss, double[] validationLoss, float[][] weights) {
    }

    /**
     * Mini-batch SGD for {@code epochs} epochs. An epoch is one pass over the training set: the examples in a
     * fresh random order (seeded, so the run repeats exactly), {@link #BATCH} at a time.
     */
    static Run train(Data data, double lr, int epochs) {
        Rng shuffles = new Rng(SHUFFLE_SEED);
        Split train = data.train();
        Tensor w = Tensor.zeros(DEGREE + 1, 1).requiresGrad(true);
        SGD sgd = new SGD(List.of(w)).lr(lr);
        double[] trainLoss = new double[epochs + 1];
        double[] validationLoss = new double[epochs + 1];
        float[][] weights = new float[epochs + 1][];
        for (int epoch = 0; ; epoch++) {
            trainLoss[epoch] = loss(train, w);
            validationLoss[epoch] = loss(data.validation(), w);
            weights[epoch] = w.toArray();
            if (epoch == epochs) {
                return new Run(trainLoss, validationLoss, weights);
            }
            int[] order = EpochOrder.shuffle(shuffles, train.size());
            for (int start = 0; start < order.length; start += BATCH) {
                Tensor ids = rowIds(order, start, Math.min(start + BATCH, order.length));
                // The batch's rows of Φ and y: an embedding lookup is exactly "row ids[i] of the table".
                Tensor phi = Functional.embedding(train.features(), ids);
                Tensor y = Functional.embedding(train.y(), ids);
                phi.matmul(w).sub(y).pow(2).mean().backward();
                sgd.step();
                sgd.zeroGrad();
            }
        }
    }

    private static Tensor rowIds(int[] order, int from, int to) {
        float[] ids = new float[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = order[i];
        }
        return Tensor.fromArray(ids, ids.length);
    }

    /** The epoch with the lowest validation loss. */
    static int bestEpoch(Run run) {
        int best = 0;
        for (int e = 1; e < run.validationLoss().length; e++) {
            if (run.validationLoss()[e] < run.validationLoss()[best]) {
                best = e;
            }
        }
        return best;
    }

    /** A grid point of the sweep, its validation loss, and (looked at only after choosing) its test loss. */
    record Setting(double lr, int epochs, double validationLoss, double testLoss) {
    }

    /** One run of {@link #MAX_EPOCHS} epochs per learning rate of the sweep, in the order of {@link #LRS}. */
    static List<Run> sweepRuns(Data data) {
        List<Run> runs = new ArrayList<>();
        for (double lr : LRS) {
            runs.add(train(data, lr, MAX_EPOCHS));
        }
        return runs;
    }

    /**
     * The grid LRS × EPOCH_GRID, read off one long run per learning rate: with a constant learning rate and
     * seeded shuffles, training for 30 epochs is exactly the first 30 epochs of training for 1000.
     */
    static List<Setting> sweep(Data data, List<Run> runs) {
        List<Setting> settings = new ArrayList<>();
        for (int l = 0; l < LRS.length; l++) {
            double lr = LRS[l];
            Run run = runs.get(l);
            for (int epochs : EPOCH_GRID) {
                Tensor w = Tensor.fromArray(run.weights()[epochs], DEGREE + 1, 1);
                settings.add(new Setting(lr, epochs, run.validationLoss()[epochs], loss(data.test(), w)));
            }
        }
        return settings;
    }

    /** The setting with the lowest validation loss: the choice, made without looking at the test set. */
    static Setting choose(List<Setting> settings) {
        Setting best = settings.get(0);
        for (Setting s : settings) {
            if (s.validationLoss() < best.validationLoss()) {
                best = s;
            }
        }
        return best;
    }

    public static void main(String[] args) {
        Data data = Data.make(DATA_SEED);
        List<Run> runs = sweepRuns(data);
        Run run = runs.get(PICTURE);
        int best = bestEpoch(run);
        System.out.printf(Locale.ROOT, "degree-%d polynomial, %d training points of sin(pi x) + %.1f noise, batch %d "
                + "(%d updates per epoch), lr %.2f%n", DEGREE, TRAIN, NOISE, BATCH, TRAIN / BATCH, LRS[PICTURE]);
        System.out.println("  epoch   train loss   validation loss");
        for (int epoch : IntStream.of(0, 1, 3, 10, best, 30, 100, 300, 1000).sorted().distinct().toArray()) {
            System.out.printf(Locale.ROOT, "  %5d   %10.4f   %15.4f%s%n", epoch, run.trainLoss()[epoch],
                    run.validationLoss()[epoch], epoch == best ? "   <- lowest validation loss" : "");
        }
        System.out.printf(Locale.ROOT, "  (the noise alone costs %.2f: no model can do better on fresh data)%n",
                NOISE * NOISE);

        List<Setting> settings = sweep(data, runs);
        Setting chosen = choose(settings);
        System.out.println("sweep, validation loss (lr across, epochs down):");
        StringBuilder header = new StringBuilder("  epochs");
        for (double lr : LRS) {
            header.append(String.format(Locale.ROOT, "   lr %5.3f", lr));
        }
        System.out.println(header);
        for (int e = 0; e < EPOCH_GRID.length; e++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %6d", EPOCH_GRID[e]));
            for (int l = 0; l < LRS.length; l++) {
                row.append(String.format(Locale.ROOT, "   %8.4f", settings.get(l * EPOCH_GRID.length + e)
                        .validationLoss()));
            }
            System.out.println(row);
        }
        StringBuilder early = new StringBuilder("lowest validation loss over all 1000 epochs (early stopping):");
        for (int l = 0; l < LRS.length; l++) {
            int e = bestEpoch(runs.get(l));
            early.append(String.format(Locale.ROOT, "  lr %.3f at epoch %d (%.4f)", LRS[l], e,
                    runs.get(l).validationLoss()[e]));
        }
        System.out.println(early);
        Setting longest = settings.get(settings.size() - 1);
        double bestTest = settings.stream().mapToDouble(Setting::testLoss).min().orElseThrow();
        System.out.printf(Locale.ROOT, "chosen by validation: lr %.3f for %d epochs, validation %.4f, test %.4f%n",
                chosen.lr(), chosen.epochs(), chosen.validationLoss(), chosen.testLoss());
        System.out.printf(Locale.ROOT, "best test loss anywhere on the grid %.4f; lr %.3f for %d epochs (train "
                + "longest) gets test %.4f%n", bestTest, longest.lr(), longest.epochs(), longest.testLoss());

        Path folder = LessonFolder.of("06-epochs-and-hyperparameters");
        double[] epochs = new double[MAX_EPOCHS];
        double[] trainCurve = new double[MAX_EPOCHS];
        double[] validationCurve = new double[MAX_EPOCHS];
        for (int e = 1; e <= MAX_EPOCHS; e++) {
            epochs[e - 1] = e;
            trainCurve[e - 1] = run.trainLoss()[e];
            validationCurve[e - 1] = run.validationLoss()[e];
        }
        Plot.lines("Train vs validation loss, degree-9 polynomial on 20 points, lr " + LRS[PICTURE], "epoch",
                "mean squared error").series("train", epochs, trainCurve)
                .series("validation", epochs, validationCurve).logX().logY().save(folder.resolve("overfitting.png"));
        plotFits(data, run, best, folder.resolve("fits.png"));
        Plot sweepPlot = Plot.lines("Validation loss during training, per learning rate", "epoch",
                "validation loss").logX().logY();
        for (int l = 0; l < LRS.length; l++) {
            double[] curve = new double[MAX_EPOCHS];
            System.arraycopy(runs.get(l).validationLoss(), 1, curve, 0, MAX_EPOCHS);
            sweepPlot.series("lr " + LRS[l], epochs, curve);
        }
        sweepPlot.save(folder.resolve("sweep.png"));
        System.out.println("wrote overfitting.png, fits.png and sweep.png in " + folder);
    }

    /** The training points, sin(πx), and the model at its best epoch and at the last one. */
    private static void plotFits(Data data, Run run, int best, Path png) {
        int n = 400;
        float[] grid = new float[n];
        for (int i = 0; i < n; i++) {
            grid[i] = -1 + 2f * i / (n - 1);
        }
        Tensor phi = legendre(Tensor.fromArray(grid, n, 1), DEGREE);
        double[] xs = new double[n];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = grid[i];
            truth[i] = Math.sin(Math.PI * grid[i]);
        }
        Split train = data.train();
        Plot.lines("Fits: best validation epoch vs the last epoch", "x", "y")
                .markers("training points", toDoubles(train.x().toArray()), toDoubles(train.y().toArray()))
                .series("sin(pi x)", xs, truth)
                .series("epoch " + best, xs, predict(phi, run.weights()[best]))
                .series("epoch " + MAX_EPOCHS, xs, predict(phi, run.weights()[MAX_EPOCHS]))
                .save(png);
    }

    /** ŷ = Φ·w as doubles, for plotting. */
    private static double[] predict(Tensor phi, float[] w) {
        return toDoubles(phi.matmul(Tensor.fromArray(w, w.length, 1)).toArray());
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
