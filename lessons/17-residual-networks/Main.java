package dev.descent.lessons.residualnetworks;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Init;
import dev.descent.nn.Module;
import dev.descent.nn.Residual;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 17: residual networks. Wrap each block f of a deep network as x + f(x): the same layers and the same
 * weights, but the gradient now has a path around every block, and a 20-block MLP that could not learn at all
 * trains to a low loss.
 */
public final class Main {
    static final int DEPTH = 20;
    static final int WIDTH = 16;
    static final double LR = 3e-3;

    /** The three networks compared: the same blocks, with or without skips, and the plain one re-initialised. */
    enum Kind {
        PLAIN("plain, default init"),
        RESIDUAL("residual, default init"),
        PLAIN_KAIMING("plain, Kaiming init");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** A network and the Linear inside each of its blocks, input side first. */
    record Net(Module model, List<Linear> blocks) {
    }

    /**
     * Linear(2, W) → DEPTH blocks → Linear(W, 1), each block f(h) = Linear(relu(h)), used as h ← f(h) (plain) or
     * h ← h + f(h) ({@link SkipConnection}, which computes what nn's {@link Residual} does). PyTorch's default
     * initialisation, or Kaiming normal inside the blocks.
     */
    static Net build(Kind kind, long seed) {
        Rng rng = new Rng(seed);
        List<Module> layers = new ArrayList<>();
        List<Linear> blocks = new ArrayList<>();
        layers.add(new Linear(2, WIDTH, rng));
        for (int l = 0; l < DEPTH; l++) {
            Linear linear = kind == Kind.PLAIN_KAIMING
                    ? new Linear(Init.kaimingNormal(rng, Init.GAIN_RELU, WIDTH, WIDTH), Init.zeros(WIDTH))
                    : new Linear(WIDTH, WIDTH, rng);
            blocks.add(linear);
            Module f = new Sequential(new ReLU(), linear);
            layers.add(kind == Kind.RESIDUAL ? new SkipConnection(f) : f);
        }
        layers.add(new Linear(WIDTH, 1, rng));
        return new Net(new Sequential(layers), blocks);
    }

    /** 64 points of the surface y = sin(3a)·cos(3b) on [−1, 1]²: inputs (64, 2), targets (64, 1). */
    static Tensor[] surface(long seed) {
        Rng rng = new Rng(seed);
        int n = 64;
        float[] x = new float[2 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double a = rng.nextDouble() * 2 - 1;
            double b = rng.nextDouble() * 2 - 1;
            x[2 * i] = (float) a;
            x[2 * i + 1] = (float) b;
            y[i] = (float) (Math.sin(3 * a) * Math.cos(3 * b));
        }
        return new Tensor[] {Tensor.fromArray(x, n, 2), Tensor.fromArray(y, n, 1)};
    }

    static Tensor loss(Module model, Tensor[] data) {
        return model.forward(data[0]).sub(data[1]).pow(2).mean();
    }

    /** ‖∂L/∂W‖ of every block's Linear after one backward pass at initialisation, input side first. */
    static double[] blockGradientNorms(Kind kind, long seed) {
        Net net = build(kind, seed);
        loss(net.model(), surface(seed + 1)).backward();
        double[] norms = new double[DEPTH];
        for (int l = 0; l < DEPTH; l++) {
            Tensor g = net.blocks().get(l).weight().grad();
            norms[l] = Math.sqrt(g.mul(g).sum().item());
        }
        return norms;
    }

    /** Full-batch Adam on the surface; the loss before each step. */
    static double[] train(Kind kind, long seed, int steps) {
        Module model = build(kind, seed).model();
        Tensor[] data = surface(seed + 1);
        Adam adam = new Adam(model.parameters()).lr(LR);
        double[] losses = new double[steps];
        for (int t = 0; t < steps; t++) {
            adam.zeroGrad();
            Tensor loss = loss(model, data);
            losses[t] = loss.item();
            loss.backward();
            adam.step();
        }
        return losses;
    }

    /** The loss of the best constant prediction, the targets' variance: what a network that learned nothing gets. */
    static double targetVariance(long seed) {
        Tensor y = surface(seed + 1)[1];
        return y.sub(y.mean()).pow(2).mean().item();
    }

    public static void main(String[] args) {
        int steps = 150;
        double[] layerNumbers = new double[DEPTH];
        for (int l = 0; l < DEPTH; l++) {
            layerNumbers[l] = l + 1;
        }
        System.out.printf(Locale.ROOT, "%d blocks of relu -> Linear(%d, %d), fitting sin(3a)cos(3b) at 64 points, "
                + "Adam lr %s, %d steps; a constant prediction scores %.4f%n", DEPTH, WIDTH, WIDTH, LR, steps,
                targetVariance(1));
        Plot norms = Plot.lines("||dL/dW|| per block at initialisation (block 1 is next to the input)", "block",
                "||dL/dW||").logY();
        Plot curves = Plot.lines("Training loss, " + DEPTH + " blocks, Adam lr " + LR, "step", "mean squared error")
                .logY();
        for (Kind kind : Kind.values()) {
            double[] g = blockGradientNorms(kind, 1);
            double[] losses = train(kind, 1, steps);
            System.out.printf(Locale.ROOT, "  %-23s ||dL/dW|| block 1 %.1e, block 20 %.1e   loss at step 0 %.4f, "
                    + "50 %.4f, %d %.5f%n", kind.label, g[0], g[DEPTH - 1], losses[0], losses[50], steps - 1,
                    losses[steps - 1]);
            norms.series(kind.label, layerNumbers, g);
            curves.series(kind.label, losses);
        }
        Path folder = LessonFolder.of("17-residual-networks");
        norms.save(folder.resolve("gradient-norms.png"));
        curves.save(folder.resolve("loss.png"));
        System.out.println("wrote gradient-norms.png and loss.png in " + folder);
    }
}
