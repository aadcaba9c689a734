package dev.descent.lessons.crossentropy;

import dev.descent.core.Functional;
import dev.descent.core.Reduction;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.losses.CrossEntropyLoss;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lesson 13: cross-entropy. The loss of a classifier is −log of the probability it gave the right class.
 * Computed from the logits with log-sum-exp it never overflows, and its gradient is simply p − onehot, which
 * stays large exactly when the model is confidently wrong, unlike a squared error on the probabilities.
 */
public final class Main {
    /** One-hot rows: {@code (N, C)} with a 1 at each integer target. */
    static Tensor oneHot(float[] targets, int classes) {
        float[] data = new float[targets.length * classes];
        for (int n = 0; n < targets.length; n++) {
            data[n * classes + (int) targets[n]] = 1;
        }
        return Tensor.fromArray(data, targets.length, classes);
    }

    /** Label smoothing's target: q = (1 − ε)·onehot + ε/C. */
    static Tensor smoothedTarget(Tensor oneHot, float eps) {
        return oneHot.mul(1 - eps).add(eps / oneHot.dim(-1));
    }

    /** The same loss taken the long way round, −log(softmax(z)_y): the log of a probability that may be 0. */
    static Tensor crossEntropyViaLogOfSoftmax(Tensor logits, Tensor oneHot) {
        return logits.softmax().log().neg().mul(oneHot).sum(-1, false).mean();
    }

    /** Mean over rows of the squared error between the probabilities and the one-hot row: Σ_c (p_c − y_c)². */
    static Tensor squaredErrorOnProbabilities(Tensor logits, Tensor oneHot) {
        return logits.softmax().sub(oneHot).pow(2).sum(-1, false).mean();
    }

    /** Which loss a demonstration uses. */
    enum Loss {
        CROSS_ENTROPY, SQUARED_ERROR;

        Tensor of(Tensor logits, Tensor oneHot) {
            return this == CROSS_ENTROPY ? CrossEntropy.mean(logits, oneHot) : squaredErrorOnProbabilities(logits, oneHot);
        }
    }

    /** dLoss/dlogits by autograd, for logits {@code (N, C)} and integer targets {@code (N)}. */
    static float[] gradient(Loss loss, float[] logits, float[] targets, int classes) {
        Tensor z = Tensor.fromArray(logits, targets.length, classes).requiresGrad(true);
        loss.of(z, oneHot(targets, classes)).backward();
        return z.grad().toArray();
    }

    /** The same gradient from the formula (p − onehot)/N, no autograd involved. */
    static float[] softmaxMinusOneHot(float[] logits, float[] targets, int classes) {
        Tensor z = Tensor.fromArray(logits, targets.length, classes);
        return z.softmax().sub(oneHot(targets, classes)).div(targets.length).toArray();
    }

    /**
     * A model that is wrong by a margin d: two classes, logits [0, d], the right answer is class 0.
     * Returns |dLoss/dz₀|, how hard the loss pushes the right logit up.
     */
    static double pushOnTheRightLogit(Loss loss, float margin) {
        return Math.abs(gradient(loss, new float[] {0, margin}, new float[] {0}, 2)[0]);
    }

    /**
     * Gradient descent on the two logits themselves, starting confidently wrong at [0, margin]: the probability of
     * the right class after each step.
     */
    static double[] rescue(Loss loss, float margin, float lr, int steps) {
        Tensor z = Tensor.fromArray(new float[] {0, margin}, 1, 2).requiresGrad(true);
        Tensor target = oneHot(new float[] {0}, 2);
        double[] pRight = new double[steps + 1];
        for (int t = 0; t <= steps; t++) {
            pRight[t] = z.softmax().toArray()[0];
            if (t < steps) {
                z.zeroGrad();
                loss.of(z, target).backward();
                z.copyFrom(z.sub(z.grad().mul(lr)));
            }
        }
        return pRight;
    }

    /** Seeded logits {@code (N, C)} with spread {@code scale}, and integer targets {@code (N)}. */
    static Tensor randomLogits(long seed, int n, int classes, float scale) {
        return Tensor.randn(new Rng(seed), n, classes).mul(scale);
    }

    static float[] randomTargets(long seed, int n, int classes) {
        Rng rng = new Rng(seed);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(classes);
        }
        return t;
    }

    /** The framework's loss (nn CrossEntropyLoss over Functional.crossEntropy), mean reduction. */
    static Tensor frameworkLoss(Tensor logits, float[] targets, float labelSmoothing) {
        return new CrossEntropyLoss(Reduction.MEAN, Functional.DEFAULT_IGNORE_INDEX, labelSmoothing)
                .forward(logits, Tensor.fromArray(targets, targets.length));
    }

    private static String show(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        return sb.append("]").toString();
    }

    public static void main(String[] args) {
        int n = 4;
        int c = 5;
        Tensor logits = randomLogits(13, n, c, 2);
        float[] targets = randomTargets(14, n, c);
        Tensor q = oneHot(targets, c);
        System.out.printf(Locale.ROOT, "batch of %d rows, %d classes: from primitives %.6f, Functional.crossEntropy %.6f%n",
                n, c, CrossEntropy.mean(logits, q).item(), Functional.crossEntropy(logits, Tensor.fromArray(targets, n)).item());
        float eps = 0.1f;
        System.out.printf(Locale.ROOT, "label smoothing 0.1: from primitives %.6f, CrossEntropyLoss %.6f%n",
                CrossEntropy.mean(logits, smoothedTarget(q, eps)).item(), frameworkLoss(logits, targets, eps).item());
        float[] row = {2, -1, 0.5f, 1, -0.5f, 0, 3, 1, -2, 0.5f};
        float[] rowTargets = {3, 1};
        System.out.println("gradient of the mean loss for 2 rows of 5 logits:");
        System.out.println("  autograd       " + show(gradient(Loss.CROSS_ENTROPY, row, rowTargets, 5)));
        System.out.println("  (p - onehot)/N " + show(softmaxMinusOneHot(row, rowTargets, 5)));

        System.out.printf(Locale.ROOT, "uniform logits over 10 classes: loss %.6f, ln 10 = %.6f%n",
                CrossEntropy.mean(Tensor.full(3.7f, 1, 10), oneHot(new float[] {4}, 10)).item(), Math.log(10));

        Tensor extreme = Tensor.fromArray(new float[] {0, 200, -1000, 1000}, 2, 2);
        Tensor extremeTargets = oneHot(new float[] {0, 0}, 2);
        System.out.printf(Locale.ROOT, "logits [0, 200] and [-1000, 1000], target 0: log-sum-exp %.1f, "
                        + "-log(softmax) %s, Functional %.1f%n",
                CrossEntropy.mean(extreme, extremeTargets).item(),
                crossEntropyViaLogOfSoftmax(extreme, extremeTargets).item(),
                Functional.crossEntropy(extreme, Tensor.fromArray(new float[] {0, 0}, 2)).item());

        System.out.println("confidently wrong by margin d (logits [0, d], right class 0): push on the right logit");
        double[] margins = new double[41];
        double[] ce = new double[margins.length];
        double[] mse = new double[margins.length];
        for (int i = 0; i < margins.length; i++) {
            margins[i] = -5 + 0.5 * i;
            ce[i] = pushOnTheRightLogit(Loss.CROSS_ENTROPY, (float) margins[i]);
            mse[i] = pushOnTheRightLogit(Loss.SQUARED_ERROR, (float) margins[i]);
            if (margins[i] % 5 == 0) {
                System.out.printf(Locale.ROOT, "  d = %5.1f  cross-entropy %.3e   squared error on p %.3e%n",
                        margins[i], ce[i], mse[i]);
            }
        }
        int steps = 100;
        double[] rescueCe = rescue(Loss.CROSS_ENTROPY, 10, 1, steps);
        double[] rescueMse = rescue(Loss.SQUARED_ERROR, 10, 1, steps);
        System.out.printf(Locale.ROOT, "gradient descent on logits from [0, 10], lr 1: p(right) after %d steps: "
                + "cross-entropy %.4f, squared error %.6f (start %.6f)%n", steps, rescueCe[steps], rescueMse[steps],
                rescueMse[0]);

        Path folder = LessonFolder.of("13-cross-entropy");
        Plot.lines("Push on the right logit when wrong by margin d", "d = z_wrong - z_right", "|dL/dz_right|")
                .series("cross-entropy", margins, ce).series("squared error on probabilities", margins, mse).logY()
                .save(folder.resolve("gradient-vs-margin.png"));
        Plot.lines("Rescuing a confidently wrong prediction (logits start at [0, 10])", "step", "p(right class)")
                .series("cross-entropy", rescueCe).series("squared error on probabilities", rescueMse)
                .save(folder.resolve("rescue.png"));
        System.out.println("wrote gradient-vs-margin.png and rescue.png in " + folder);
    }
}
