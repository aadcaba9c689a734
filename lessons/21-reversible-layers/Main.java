package dev.descent.lessons.reversiblelayers;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.lessons.StepMemory;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson 21: reversible residual layers. A RevNet block's input can be recomputed from its output, so a deep
 * stack can be trained while storing the activations of none of its blocks: memory that does not grow with
 * depth, paid for with one extra forward evaluation per block in backward.
 */
public final class Main {
    /** Half the channels, the hidden width of F and G, and the batch. */
    static final int HALF = 16;
    static final int HIDDEN = 64;
    static final int BATCH = 32;

    /** {@code depth} coupling blocks, seeded. */
    static List<Coupling> blocks(int depth, long seed) {
        Rng rng = new Rng(seed);
        List<Coupling> blocks = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            blocks.add(new Coupling(HALF, HIDDEN, rng));
        }
        return blocks;
    }

    /** A batch of inputs (BATCH, 2·HALF) from N(0, 1). */
    static Tensor input(long seed) {
        return Tensor.randn(new Rng(seed), BATCH, 2 * HALF);
    }

    /** max |x − inverse(forward(x))| through a reversible stack of {@code depth} blocks. */
    @SuppressWarnings("try")
    static double reconstructionError(int depth) {
        ReversibleStack stack = new ReversibleStack(blocks(depth, 21));
        Tensor x = input(1);
        Tensor y;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            y = stack.forward(x);
        }
        return maxAbs(x.toArray(), stack.invert(y).toArray());
    }

    /** The loss both stacks minimise in this lesson: L = mean(y²). */
    static Tensor loss(Module stack, Tensor x) {
        return stack.forward(x).pow(2).mean();
    }

    /**
     * One training step's memory (forward and backward of L, measured on the ledger) for a plain residual stack of
     * {@code depth} blocks and for a reversible one, each on its own copy of the same seeded blocks:
     * {@code [plain, reversible]}.
     */
    static StepMemory[] memory(int depth) {
        Module[] stacks = {new Sequential(blocks(depth, 21)), new ReversibleStack(blocks(depth, 21))};
        StepMemory[] measured = new StepMemory[stacks.length];
        for (int s = 0; s < stacks.length; s++) {
            Module stack = stacks[s];
            Tensor x = input(1).requiresGrad(true);
            measured[s] = StepMemory.measure(x.backend(), stack.parameters(), () -> loss(stack, x));
        }
        return measured;
    }

    /** Gradients of L with respect to the input and every parameter: {@code [input, p₀, p₁, ..]}. */
    static List<float[]> gradients(Module stack) {
        Tensor x = input(1).requiresGrad(true);
        stack.zeroGrad();
        loss(stack, x).backward();
        List<float[]> grads = new ArrayList<>();
        grads.add(x.grad().toArray());
        for (Tensor p : stack.parameters()) {
            grads.add(p.grad().toArray());
        }
        return grads;
    }

    /**
     * The largest |a − b| over all gradients, relative to the largest |a|: how far the reversible stack's
     * gradients (from recomputed inputs) are from ordinary backpropagation's.
     */
    static double relativeGradientDifference(int depth) {
        List<Coupling> blocks = blocks(depth, 21);
        List<float[]> plain = gradients(new Sequential(blocks));
        List<float[]> reversible = gradients(new ReversibleStack(blocks));
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < plain.size(); i++) {
            diff = Math.max(diff, maxAbs(plain.get(i), reversible.get(i)));
            scale = Math.max(scale, maxAbs(plain.get(i), new float[plain.get(i).length]));
        }
        return diff / scale;
    }

    static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /**
     * Milliseconds of forward + backward for the plain and the reversible stack of {@code depth} blocks, each the
     * fastest of {@code reps}; the two take turns so both see the same machine load.
     */
    static double[] timings(int depth, int reps) {
        List<Coupling> blocks = blocks(depth, 21);
        Module[] stacks = {new Sequential(blocks), new ReversibleStack(blocks)};
        double[] fastest = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < reps; r++) {
            for (int s = 0; s < 2; s++) {
                long t0 = System.nanoTime();
                gradients(stacks[s]);
                fastest[s] = Math.min(fastest[s], (System.nanoTime() - t0) / 1e6);
            }
        }
        return fastest;
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "coupling blocks on (%d, %d) inputs, F and G: %d -> %d -> %d with tanh%n",
                BATCH, 2 * HALF, HALF, HIDDEN, HALF);
        System.out.println("                                         held for backward (KiB)   peak of the step (KiB)");
        System.out.println("  depth   max|x - inverse(forward(x))|      plain   reversible        plain   reversible");
        int[] depths = {1, 2, 4, 8, 16, 32};
        double[] d = new double[depths.length];
        double[] errors = new double[depths.length];
        double[][] kib = new double[4][depths.length];
        for (int i = 0; i < depths.length; i++) {
            StepMemory[] m = memory(depths[i]);
            d[i] = depths[i];
            errors[i] = reconstructionError(depths[i]);
            kib[0][i] = m[0].heldForBackward() / 1024.0;
            kib[1][i] = m[1].heldForBackward() / 1024.0;
            kib[2][i] = m[0].peak() / 1024.0;
            kib[3][i] = m[1].peak() / 1024.0;
            System.out.printf(Locale.ROOT, "  %5d   %28.2e   %9.1f %12.1f %12.1f %12.1f%n", depths[i], errors[i],
                    kib[0][i], kib[1][i], kib[2][i], kib[3][i]);
        }
        double blockGradients = blocks(1, 21).get(0).parameterCount() * 4 / 1024.0;
        System.out.printf(Locale.ROOT, "  one activation (%d x %d floats) = %.1f KiB; one block's parameter gradients "
                + "= %.1f KiB%n", BATCH, 2 * HALF, BATCH * 2 * HALF * 4 / 1024.0, blockGradients);
        System.out.printf(Locale.ROOT, "  each block adds, held: %.1f KiB plain, %.1f KiB reversible; peak: %.1f KiB "
                + "plain, %.1f KiB reversible%n", kib[0][1] - kib[0][0], kib[1][1] - kib[1][0], kib[2][1] - kib[2][0],
                kib[3][1] - kib[3][0]);
        System.out.printf(Locale.ROOT, "gradients, depth 8: reversible vs ordinary backprop, max difference / max "
                + "gradient = %.2e%n", relativeGradientDifference(8));
        timings(16, 3);
        double[] t = timings(16, 10);
        System.out.printf(Locale.ROOT, "time, depth 16, forward + backward (fastest of 10): plain %.2f ms, reversible "
                + "%.2f ms (x%.2f)%n", t[0], t[1], t[1] / t[0]);

        Path folder = LessonFolder.of("21-reversible-layers");
        Plot.lines("Tensor memory of one training step", "blocks", "KiB")
                .series("plain: peak", d, kib[2]).series("reversible: peak", d, kib[3])
                .series("plain: held for backward", d, kib[0]).series("reversible: held for backward", d, kib[1])
                .integerX().save(folder.resolve("memory.png"));
        Plot.lines("Reconstruction error of the input from the output", "blocks", "max |x - x reconstructed|")
                .series("float32 rounding", d, errors).logX().logY().save(folder.resolve("reconstruction.png"));
        System.out.println("wrote memory.png and reconstruction.png in " + folder);
    }
}
