package dev.descent.lessons.batchnorm;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Init;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.BatchNorm1d;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.optim.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 15: batch normalisation. Normalise each feature with the mean and variance of the batch, then let the
 * network rescale it with learned γ and β; keep running averages of the statistics for inference. A deep MLP
 * with it trains faster and takes a far larger learning rate.
 */
public final class Main {
    /** Momentum of the running statistics and ε, PyTorch's defaults. */
    static final float MOMENTUM = 0.1f;
    static final float EPS = 1e-5f;
    /** The deep MLP of the training comparison: 6 hidden layers of width 16. */
    static final int DEPTH = 6;
    static final int WIDTH = 16;

    /** Batch normalisation of {@code (N, C)} inputs written out in tensor ops. */
    static final class ByHand {
        final Tensor gamma;
        final Tensor beta;
        Tensor runningMean;
        Tensor runningVar;

        ByHand(Tensor gamma, Tensor beta) {
            this.gamma = gamma.requiresGrad(true);
            this.beta = beta.requiresGrad(true);
            this.runningMean = Tensor.zeros(gamma.dim(0));
            this.runningVar = Tensor.ones(gamma.dim(0));
        }

        /** (N, C) -> (N, C) */
        Tensor forward(Tensor x, boolean training) {
            Tensor mean;
            Tensor var;
            if (training) {
                int n = x.dim(0);
                // μ = Σₙ xₙ / N,  σ² = Σₙ (xₙ − μ)² / N   (biased: this is the batch's own spread)
                mean = x.mean(0, true);
                var = x.sub(mean).pow(2).mean(0, true);
                // running ← (1 − m)·running + m·batch, with the variance made unbiased: σ²·N/(N − 1)
                runningMean = runningMean.mul(1 - MOMENTUM).add(mean.detach().reshape(-1).mul(MOMENTUM));
                runningVar = runningVar.mul(1 - MOMENTUM)
                        .add(var.detach().reshape(-1).mul(MOMENTUM * n / (n - 1f)));
            } else {
                mean = runningMean;
                var = runningVar;
            }
            // y = γ·(x − μ)/√(σ² + ε) + β
            return x.sub(mean).div(var.add(EPS).sqrt()).mul(gamma).add(beta);
        }
    }

    /** nn's BatchNorm1d given the same γ and β as a {@link ByHand}. */
    static BatchNorm1d frameworkTwin(ByHand byHand) {
        BatchNorm1d bn = new BatchNorm1d(byHand.gamma.dim(0));
        bn.weight().copyFrom(byHand.gamma);
        bn.bias().copyFrom(byHand.beta);
        return bn;
    }

    /** Seeded batch {@code (N, C)} with feature means 2 and standard deviation 3. */
    static Tensor batch(long seed, int n, int c) {
        return Tensor.randn(new Rng(seed), n, c).mul(3).add(2);
    }

    // ---------------------------------------------------------------- training a deep MLP

    /** Two interleaved spirals in the plane, {@code perClass} points each: inputs (N, 2), labels (N). */
    static Tensor[] spirals(long seed, int perClass) {
        Rng rng = new Rng(seed);
        float[] x = new float[4 * perClass];
        float[] y = new float[2 * perClass];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < perClass; i++) {
                double r = (double) i / perClass;
                double angle = 3.5 * Math.PI * r + Math.PI * c + 0.15 * rng.nextGaussian();
                int n = c * perClass + i;
                x[2 * n] = (float) (r * Math.cos(angle));
                x[2 * n + 1] = (float) (r * Math.sin(angle));
                y[n] = c;
            }
        }
        return new Tensor[] {Tensor.fromArray(x, 2 * perClass, 2), Tensor.fromArray(y, 2 * perClass)};
    }

    /** Depth × (Linear → [BatchNorm1d] → ReLU), then Linear(·, 2); Kaiming-normal weights, zero biases. */
    static Module deepMlp(int depth, int width, boolean batchNorm, long seed) {
        Rng rng = new Rng(seed);
        List<Module> layers = new ArrayList<>();
        int in = 2;
        for (int l = 0; l < depth; l++) {
            layers.add(new Linear(Init.kaimingNormal(rng, Init.GAIN_RELU, width, in), Init.zeros(width)));
            if (batchNorm) {
                layers.add(new BatchNorm1d(width));
            }
            layers.add(new ReLU());
            in = width;
        }
        layers.add(new Linear(in, 2, rng));
        return new Sequential(layers);
    }

    /** Full-batch SGD (momentum 0.9) on the spirals; the cross-entropy before each step. */
    static double[] train(boolean batchNorm, double lr, int steps, long seed) {
        Module net = deepMlp(DEPTH, WIDTH, batchNorm, seed);
        Tensor[] data = spirals(seed + 1, 32);
        SGD sgd = new SGD(net.parameters()).lr(lr).momentum(0.9);
        double[] losses = new double[steps];
        for (int t = 0; t < steps; t++) {
            sgd.zeroGrad();
            Tensor loss = Functional.crossEntropy(net.forward(data[0]), data[1]);
            losses[t] = loss.item();
            loss.backward();
            sgd.step();
        }
        return losses;
    }

    /** The largest |difference| between {@link BatchNormBackward}'s dL/dx and autograd's, on a seeded batch. */
    static double backwardByHandVsAutograd(int n, int c) {
        ByHand byHand = new ByHand(Tensor.randn(new Rng(3), c).add(1), Tensor.randn(new Rng(4), c));
        Tensor x = batch(30, n, c).requiresGrad(true);
        Tensor upstream = Tensor.randn(new Rng(5), n, c);
        byHand.forward(x, true).mul(upstream).sum().backward();
        return maxAbsDiff(BatchNormBackward.dx(x.detach(), byHand.gamma.detach(), upstream, EPS), x.grad());
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toArray();
        float[] y = b.toArray();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    public static void main(String[] args) {
        int n = 8;
        int c = 4;
        ByHand byHand = new ByHand(Tensor.randn(new Rng(1), c).add(1), Tensor.randn(new Rng(2), c));
        BatchNorm1d bn = frameworkTwin(byHand);
        double outputs = 0;
        for (int step = 0; step < 5; step++) {
            Tensor x = batch(10 + step, n, c);
            outputs = Math.max(outputs, maxAbsDiff(byHand.forward(x, true), bn.forward(x)));
        }
        bn.eval();
        Tensor test = batch(99, 3, c);
        System.out.printf(Locale.ROOT, "by hand vs nn BatchNorm1d over 5 training batches of (%d, %d): outputs %.1e, "
                        + "running mean %.1e, running var %.1e, eval outputs %.1e (max abs differences)%n", n, c, outputs,
                maxAbsDiff(byHand.runningMean, bn.runningMean()), maxAbsDiff(byHand.runningVar, bn.runningVar()),
                maxAbsDiff(byHand.forward(test, false), bn.forward(test)));
        System.out.printf(Locale.ROOT, "backward derived by hand vs autograd, dL/dx of a (%d, %d) batch: max |difference| "
                + "%.1e%n", n, c, backwardByHandVsAutograd(n, c));

        ByHand fresh = new ByHand(Tensor.ones(c), Tensor.zeros(c));
        Tensor x = batch(20, 4, c);
        float[] trainOut = fresh.forward(x, true).toArray();
        System.out.printf(Locale.ROOT, "a batch of 4: mean %.2f, training output row 0 feature 0: %.4f; after 1 update the "
                + "running mean is %.3f and the eval output is %.4f%n", x.mean(0, false).toArray()[0], trainOut[0],
                fresh.runningMean.toArray()[0], fresh.forward(x, false).toArray()[0]);
        for (int k = 1; k < 100; k++) {
            fresh.forward(x, true);
        }
        System.out.printf(Locale.ROOT, "after 100 updates on that batch: eval output %.4f = training output x %.4f "
                        + "(sqrt(3/4) = %.4f: the running variance is the unbiased one)%n",
                fresh.forward(x, false).toArray()[0], fresh.forward(x, false).toArray()[0] / trainOut[0], Math.sqrt(0.75));

        double[] lrs = {0.01, 0.03, 0.1, 0.3, 1};
        int steps = 150;
        double[] learningRates = new double[lrs.length];
        double[] finalPlain = new double[lrs.length];
        double[] finalBn = new double[lrs.length];
        double[] curvePlain = null;
        double[] curveBn = null;
        System.out.printf("%d-layer ReLU MLP (width %d) on two spirals, SGD momentum 0.9, %d steps: loss at step 50 / %d%n",
                DEPTH, WIDTH, steps, steps);
        for (int i = 0; i < lrs.length; i++) {
            double[] plain = train(false, lrs[i], steps, 1);
            double[] withBn = train(true, lrs[i], steps, 1);
            learningRates[i] = lrs[i];
            finalPlain[i] = plain[steps - 1];
            finalBn[i] = withBn[steps - 1];
            System.out.printf(Locale.ROOT, "  lr %-5s plain %.4f / %.4f   batch norm %.4f / %.4f%n", lrs[i],
                    plain[50], plain[steps - 1], withBn[50], withBn[steps - 1]);
            if (lrs[i] == 0.1) {
                curvePlain = plain;
                curveBn = withBn;
            }
        }

        Path folder = LessonFolder.of("15-batch-norm");
        Plot.lines("Loss after " + steps + " steps against the learning rate", "learning rate",
                        "cross-entropy").logX().logY()
                .series("plain", learningRates, finalPlain).series("batch norm", learningRates, finalBn)
                .save(folder.resolve("learning-rates.png"));
        Plot.lines("Training loss at lr 0.1", "step", "cross-entropy").logY()
                .series("plain", curvePlain).series("batch norm", curveBn)
                .save(folder.resolve("loss.png"));
        System.out.println("wrote learning-rates.png and loss.png in " + folder);
    }
}
