package dev.descent.lessons.vanishinggradients;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Init;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.nn.layers.Sigmoid;
import dev.descent.nn.layers.Tanh;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Lesson 16: vanishing gradients. Backpropagation multiplies one factor per layer on the way back to the input;
 * when those factors are below 1 the gradient shrinks geometrically, and the first layers stop learning. The
 * sigmoid's slope is at most 1/4, so a deep sigmoid stack cannot avoid it; ReLU with Kaiming initialisation can.
 */
public final class Main {
    static final int DEPTH = 20;
    static final int WIDTH = 32;
    static final int BATCH = 64;

    /** A way to build a deep stack: the activation and how its Linear layers are initialised. */
    enum Stack {
        SIGMOID("sigmoid, default init", Sigmoid::new, false),
        TANH("tanh, default init", Tanh::new, false),
        RELU_KAIMING("ReLU, Kaiming init", ReLU::new, true);

        final String label;
        final Supplier<Module> activation;
        final boolean kaiming;

        Stack(String label, Supplier<Module> activation, boolean kaiming) {
            this.label = label;
            this.activation = activation;
            this.kaiming = kaiming;
        }

        /** DEPTH × (Linear(WIDTH, WIDTH) → activation); PyTorch's default U(−1/√in, 1/√in) or Kaiming normal. */
        Sequential build(long seed) {
            Rng rng = new Rng(seed);
            List<Module> layers = new ArrayList<>();
            for (int l = 0; l < DEPTH; l++) {
                layers.add(kaiming
                        ? new Linear(Init.normal(rng, 0f, KaimingInit.std(WIDTH), WIDTH, WIDTH), Init.zeros(WIDTH))
                        : new Linear(WIDTH, WIDTH, rng));
                layers.add(activation.get());
            }
            return new Sequential(layers);
        }
    }

    /** σ'(x) by autograd at each x: σ(x)·(1 − σ(x)). */
    static float[] sigmoidSlope(float[] xs) {
        Tensor x = Tensor.fromArray(xs, xs.length).requiresGrad(true);
        x.sigmoid().sum().backward();
        return x.grad().toArray();
    }

    /**
     * One backward pass of a mean-squared loss against random targets, on a random batch; returns ‖∂L/∂W_l‖
     * (Frobenius norm) for each layer l = 1..DEPTH, input side first.
     */
    static double[] weightGradientNorms(Stack stack, long seed) {
        Sequential net = stack.build(seed);
        Rng rng = new Rng(seed + 1);
        Tensor x = Tensor.randn(rng, BATCH, WIDTH);
        Tensor target = Tensor.randn(rng, BATCH, WIDTH);
        net.forward(x).sub(target).pow(2).mean().backward();
        double[] norms = new double[DEPTH];
        for (int l = 0; l < DEPTH; l++) {
            Tensor g = ((Linear) net.get(2 * l)).weight().grad();
            norms[l] = Math.sqrt(g.mul(g).sum().item());
        }
        return norms;
    }

    /** The average factor per layer: (‖∂L/∂W_1‖ / ‖∂L/∂W_DEPTH‖)^(1/(DEPTH−1)). */
    static double factorPerLayer(double[] norms) {
        return Math.pow(norms[0] / norms[DEPTH - 1], 1.0 / (DEPTH - 1));
    }

    public static void main(String[] args) {
        float[] grid = new float[401];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = -10 + 0.05f * i;
        }
        float[] slope = sigmoidSlope(grid);
        int best = 0;
        for (int i = 1; i < slope.length; i++) {
            best = slope[i] > slope[best] ? i : best;
        }
        System.out.printf(Locale.ROOT, "sigmoid slope on [-10, 10]: largest %.6f at x = %.2f; at x = 2: %.4f, at x = 5: %.5f%n",
                slope[best], grid[best], slope[240], slope[300]);

        System.out.printf("%d layers of Linear(%d, %d) + activation, batch %d, MSE to random targets: ||dL/dW|| per layer%n",
                DEPTH, WIDTH, WIDTH, BATCH);
        Path folder = LessonFolder.of("16-vanishing-gradients");
        Plot plot = Plot.lines("Weight-gradient norm per layer (layer 1 is next to the input)", "layer",
                "||dL/dW||").logY();
        double[] layerNumbers = new double[DEPTH];
        for (int l = 0; l < DEPTH; l++) {
            layerNumbers[l] = l + 1;
        }
        for (Stack stack : Stack.values()) {
            double[] norms = weightGradientNorms(stack, 1);
            System.out.printf(Locale.ROOT, "  %-20s layer 20: %.2e  layer 10: %.2e  layer 1: %.2e   "
                            + "factor per layer %.3f, layer 1 / layer 20 = %.1e%n", stack.label, norms[DEPTH - 1],
                    norms[9], norms[0], factorPerLayer(norms), norms[0] / norms[DEPTH - 1]);
            plot.series(stack.label, layerNumbers, norms);
        }
        plot.save(folder.resolve("gradient-norms.png"));
        System.out.println("wrote gradient-norms.png in " + folder);
    }
}
