package dev.descent.lessons.metriclearning;

import dev.descent.core.Autograd;
import dev.descent.core.Functional;
import dev.descent.core.Reduction;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.nn.losses.TripletMarginLoss;
import dev.descent.optim.Adam;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Lesson 25: metric learning. Instead of predicting labels, learn an embedding f in which distance means
 * similarity: same-class points close, different-class points far. Trained with the triplet loss, judged by
 * nearest-neighbour classification.
 */
public final class Main {
    static final float MARGIN = 1f;
    static final int EMBED = 2;
    static final int STEPS = 150;
    static final int BATCH = 64;
    static final int K = 5;

    /** The embedding: an MLP 10 -> 32 -> 2. */
    static Module embedding(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(Clusters.DIM, 32, rng), new ReLU(), new Linear(32, EMBED, rng));
    }

    /** Rows {@code index} of x: (N, D) -> (len, D). */
    static Tensor rows(Tensor x, int[] index) {
        float[] idx = new float[index.length];
        for (int i = 0; i < index.length; i++) {
            idx[i] = index[i];
        }
        return Functional.embedding(x, Tensor.fromArray(idx));
    }

    /** Random triplets (anchor, same-class positive, other-class negative) as index arrays {a, p, n}. */
    static int[][] triplets(int[] labels, int count, Rng rng) {
        int[][] t = new int[3][count];
        for (int i = 0; i < count; i++) {
            int a = rng.nextInt(labels.length);
            int p;
            int n;
            do {
                p = rng.nextInt(labels.length);
            } while (p == a || labels[p] != labels[a]);
            do {
                n = rng.nextInt(labels.length);
            } while (labels[n] == labels[a]);
            t[0][i] = a;
            t[1][i] = p;
            t[2][i] = n;
        }
        return t;
    }

    /**
     * k-nearest-neighbour accuracy: each query point takes the majority label of its K nearest reference points
     * (Euclidean distance between the given representations).
     */
    static double knnAccuracy(Tensor references, int[] referenceLabels, Tensor queries, int[] queryLabels) {
        float[] r = references.toArray();
        float[] q = queries.toArray();
        int d = references.dim(1);
        int right = 0;
        for (int i = 0; i < queryLabels.length; i++) {
            double[] dist = new double[referenceLabels.length];
            Integer[] order = new Integer[referenceLabels.length];
            for (int j = 0; j < dist.length; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double diff = q[i * d + c] - r[j * d + c];
                    s += diff * diff;
                }
                dist[j] = s;
                order[j] = j;
            }
            Arrays.sort(order, (x, y) -> Double.compare(dist[x], dist[y]));
            int[] votes = new int[Clusters.CLASSES];
            for (int j = 0; j < K; j++) {
                votes[referenceLabels[order[j]]]++;
            }
            int best = 0;
            for (int c = 1; c < votes.length; c++) {
                if (votes[c] > votes[best]) {
                    best = c;
                }
            }
            right += best == queryLabels[i] ? 1 : 0;
        }
        return right / (double) queryLabels.length;
    }

    /** Fraction of triplets with d(a, p) &lt; d(a, n) in the representation {@code x}. */
    static double orderedTriplets(Tensor x, int[][] t) {
        float[] dp = TripletLoss.distance(rows(x, t[0]), rows(x, t[1])).toArray();
        float[] dn = TripletLoss.distance(rows(x, t[0]), rows(x, t[2])).toArray();
        int ok = 0;
        for (int i = 0; i < dp.length; i++) {
            ok += dp[i] < dn[i] ? 1 : 0;
        }
        return ok / (double) dp.length;
    }

    @SuppressWarnings("try")
    static Tensor embed(Module f, Tensor x) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            return f.forward(x);
        }
    }

    /** The result of training: the embedding, its loss per step and the test k-NN accuracy every 10 steps. */
    record Training(Module f, double[] losses, double[] knn) {
    }

    static Clusters train() {
        return Clusters.sample(400, new Rng(1));
    }

    static Clusters test() {
        return Clusters.sample(200, new Rng(2));
    }

    /** Adam on nn's TripletMarginLoss over random triplets of the training points. */
    static Training fit(long seed) {
        Clusters train = train();
        Clusters test = test();
        Module f = embedding(seed);
        Adam adam = new Adam(f.parameters()).lr(1e-2);
        TripletMarginLoss loss = new TripletMarginLoss(MARGIN, Reduction.MEAN);
        Rng rng = new Rng(seed + 1);
        double[] losses = new double[STEPS];
        double[] knn = new double[STEPS / 10 + 1];
        for (int s = 0; s < STEPS; s++) {
            if (s % 10 == 0) {
                knn[s / 10] = knnAccuracy(embed(f, train.points()), train.labels(), embed(f, test.points()), test.labels());
            }
            int[][] t = triplets(train.labels(), BATCH, rng);
            Tensor z = f.forward(train.points());
            adam.zeroGrad();
            Tensor l = loss.forward(rows(z, t[0]), rows(z, t[1]), rows(z, t[2]));
            l.backward();
            adam.step();
            losses[s] = l.item();
        }
        knn[STEPS / 10] = knnAccuracy(embed(f, train.points()), train.labels(), embed(f, test.points()), test.labels());
        return new Training(f, losses, knn);
    }

    /** Test-set quality of a representation: {k-NN accuracy, fraction of ordered triplets}. */
    static double[] quality(Tensor trainRepr, Tensor testRepr) {
        Clusters train = train();
        Clusters test = test();
        int[][] t = triplets(test.labels(), 2000, new Rng(3));
        return new double[] {knnAccuracy(trainRepr, train.labels(), testRepr, test.labels()), orderedTriplets(testRepr, t)};
    }

    /**
     * The triplet loss from primitives against nn's TripletMarginLoss on random (16, 8) tensors: the largest
     * difference of the values and of the gradients with respect to the anchor.
     */
    static double[] compareWithNn() {
        Rng rng = new Rng(11);
        Tensor a = Tensor.randn(rng, 16, 8).requiresGrad(true);
        Tensor p = Tensor.randn(rng, 16, 8);
        Tensor n = Tensor.randn(rng, 16, 8);
        Tensor ours = TripletLoss.of(a, p, n, MARGIN);
        ours.backward();
        float[] ourGrad = a.grad().toArray();
        a.zeroGrad();
        Tensor theirs = new TripletMarginLoss(MARGIN, Reduction.MEAN).forward(a, p, n);
        theirs.backward();
        double gradDiff = 0;
        float[] theirGrad = a.grad().toArray();
        for (int i = 0; i < ourGrad.length; i++) {
            gradDiff = Math.max(gradDiff, Math.abs(ourGrad[i] - theirGrad[i]));
        }
        return new double[] {Math.abs(ours.item() - theirs.item()), gradDiff, ours.item()};
    }

    /** One scatter plot of 2-D embeddings, a series per class. */
    private static void scatter(String title, Tensor z, int[] labels, Path png) {
        float[] v = z.toArray();
        Plot plot = Plot.lines(title, "embedding 0", "embedding 1").points();
        for (int c = 0; c < Clusters.CLASSES; c++) {
            final int cls = c;
            int count = (int) Arrays.stream(labels).filter(l -> l == cls).count();
            double[] xs = new double[count];
            double[] ys = new double[count];
            for (int i = 0, j = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    xs[j] = v[2 * i];
                    ys[j++] = v[2 * i + 1];
                }
            }
            plot.series("class " + c, xs, ys);
        }
        plot.save(png);
    }

    public static void main(String[] args) {
        double[] agree = compareWithNn();
        System.out.printf(Locale.ROOT, "triplet loss from primitives %.6f, nn TripletMarginLoss differs by %.1e "
                + "(gradient by %.1e; nn adds eps = 1e-6 inside the distance, as PyTorch)%n", agree[2], agree[0], agree[1]);
        Clusters train = train();
        Clusters test = test();
        Module untrained = embedding(25);
        Training trained = fit(25);
        double[] raw = quality(train.points(), test.points());
        double[] before = quality(embed(untrained, train.points()), embed(untrained, test.points()));
        double[] after = quality(embed(trained.f(), train.points()), embed(trained.f(), test.points()));
        System.out.printf(Locale.ROOT, "%d classes in %d-D (signal in 2 coordinates, noise in 8); %d training points, "
                + "%d test points%n", Clusters.CLASSES, Clusters.DIM, train.size(), test.size());
        System.out.println("                                 5-NN test accuracy   ordered triplets d(a,p) < d(a,n)");
        System.out.printf(Locale.ROOT, "  raw 10-D input                 %.3f                %.3f%n", raw[0], raw[1]);
        System.out.printf(Locale.ROOT, "  untrained MLP, 2-D             %.3f                %.3f%n", before[0], before[1]);
        System.out.printf(Locale.ROOT, "  after %d triplet steps        %.3f                %.3f%n", STEPS, after[0],
                after[1]);
        System.out.printf(Locale.ROOT, "  chance: accuracy %.3f, ordered triplets 0.5%n", 1.0 / Clusters.CLASSES);

        Path folder = LessonFolder.of("25-metric-learning");
        scatter("Test points in the untrained embedding", embed(untrained, test.points()), test.labels(),
                folder.resolve("before.png"));
        scatter("Test points after triplet training", embed(trained.f(), test.points()), test.labels(),
                folder.resolve("after.png"));
        double[] steps = new double[trained.knn().length];
        Arrays.setAll(steps, i -> 10.0 * i);
        Plot.lines("Triplet training", "step", "value").series("triplet loss", trained.losses())
                .series("5-NN test accuracy", steps, trained.knn()).save(folder.resolve("training.png"));
        System.out.println("wrote before.png, after.png and training.png in " + folder);
    }
}
