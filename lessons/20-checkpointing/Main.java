package dev.descent.lessons.checkpointing;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.lessons.StepMemory;
import dev.descent.lessons.checkpointing.TrainingRun.Part;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.data.Corpora;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lesson 20: checkpointing, in its two meanings. (a) Saving a run and resuming it so exactly that the loss
 * sequence continues bit for bit. (b) Gradient checkpointing: keeping fewer activations for backward and
 * recomputing the rest, which saves memory at the price of one extra forward pass.
 */
public final class Main {
    /** Steps before the checkpoint and after it. */
    static final int BEFORE = 15;
    static final int AFTER = 15;
    /** The seed of the original run, and a different one for the fresh model that resumes it. */
    static final long SEED = 20;
    static final long FRESH_SEED = 2020;

    /** Gradient checkpointing is measured on a GPT of this batch, sequence length and width. */
    static final int MEM_BATCH = 2;
    static final int MEM_T = 32;
    static final int MEM_WIDTH = 32;

    /** The first {@code n} bytes of Moby-Dick (UTF-8), each a token 0..255. */
    static int[] mobyDickBytes(int n) {
        byte[] bytes = String.join("\n\n", Corpora.mobyDickChapters()).getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = bytes[i] & 0xFF;
        }
        return tokens;
    }

    static int[] data() {
        return mobyDickBytes(16_384);
    }

    /**
     * Trains {@link #BEFORE} steps, saves a checkpoint into {@code dir}, then keeps training {@link #AFTER} steps:
     * the uninterrupted run. Returns the losses of those last steps.
     */
    static float[] trainSaveAndContinue(Path dir) throws IOException {
        TrainingRun run = new TrainingRun(data(), SEED);
        run.train(BEFORE);
        run.save(dir);
        return run.train(AFTER);
    }

    /** A fresh run (another seed) loads the checkpoint, restoring only {@code parts}, and trains {@code steps} steps. */
    static float[] resume(Path dir, Set<Part> parts, int steps) throws IOException {
        TrainingRun fresh = new TrainingRun(data(), FRESH_SEED);
        fresh.load(dir, parts);
        return fresh.train(steps);
    }

    /** The largest |a − b| over the first {@code a.length} losses of two sequences. */
    static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    // ---------------------------------------------------------------- (b) gradient checkpointing

    static GPTConfig memoryConfig(int layers, boolean checkpointing) {
        return new GPTConfig(256, MEM_T, layers, 2, MEM_WIDTH, 0.1f, checkpointing);
    }

    /** One training step's memory (measured on the ledger, with its loss) and every parameter's gradient. */
    record Pass(StepMemory memory, Map<String, float[]> gradients) {
    }

    /** A GPT (seeded, so both variants start from the same weights) runs forward and backward on one batch. */
    static Pass forwardBackward(int layers, boolean checkpointing) {
        GPT model = new GPT(memoryConfig(layers, checkpointing), new Rng(7));
        Tensor[] batch = batch();
        StepMemory memory = StepMemory.measure(batch[0].backend(), model.parameters(),
                () -> model.loss(batch[0], batch[1]));
        Map<String, float[]> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> grads.put(name, p.grad().toArray()));
        return new Pass(memory, grads);
    }

    /** Inputs and next-byte targets, (MEM_BATCH, MEM_T) each. */
    static Tensor[] batch() {
        int[] tokens = mobyDickBytes(MEM_BATCH * MEM_T + 1);
        float[] x = new float[MEM_BATCH * MEM_T];
        float[] y = new float[MEM_BATCH * MEM_T];
        for (int i = 0; i < x.length; i++) {
            x[i] = tokens[i];
            y[i] = tokens[i + 1];
        }
        return new Tensor[] {Tensor.fromArray(x, MEM_BATCH, MEM_T), Tensor.fromArray(y, MEM_BATCH, MEM_T)};
    }

    /**
     * Milliseconds of a forward pass alone, of forward + backward without checkpointing and of forward + backward
     * with it, each the fastest of {@code reps} repetitions. The two models take turns, so both see the same
     * machine load, and the fastest is the repetition least disturbed by other work.
     */
    @SuppressWarnings("try")
    static double[] timings(int layers, int reps) {
        GPT plain = new GPT(memoryConfig(layers, false), new Rng(7));
        GPT checkpointed = new GPT(memoryConfig(layers, true), new Rng(7));
        Tensor[] batch = batch();
        double[] fastest = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            try (Autograd.Scope ignored = Autograd.noGrad()) {
                plain.loss(batch[0], batch[1]);
            }
            long t1 = System.nanoTime();
            plain.zeroGrad();
            plain.loss(batch[0], batch[1]).backward();
            long t2 = System.nanoTime();
            checkpointed.zeroGrad();
            checkpointed.loss(batch[0], batch[1]).backward();
            long t3 = System.nanoTime();
            fastest[0] = Math.min(fastest[0], (t1 - t0) / 1e6);
            fastest[1] = Math.min(fastest[1], (t2 - t1) / 1e6);
            fastest[2] = Math.min(fastest[2], (t3 - t2) / 1e6);
        }
        return fastest;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("descent-checkpoint");
        float[] uninterrupted = trainSaveAndContinue(dir);
        System.out.printf(Locale.ROOT, "(a) %d steps, checkpoint (%s %d B, %s %d B), then %d more steps%n", BEFORE,
                TrainingRun.MODEL_FILE, Files.size(dir.resolve(TrainingRun.MODEL_FILE)),
                TrainingRun.OPTIMIZER_FILE, Files.size(dir.resolve(TrainingRun.OPTIMIZER_FILE)), AFTER);
        Map<String, Set<Part>> variants = new LinkedHashMap<>();
        variants.put("everything restored", EnumSet.allOf(Part.class));
        variants.put("optimizer state lost", EnumSet.of(Part.RNG, Part.DATA_POSITION));
        variants.put("generator state lost", EnumSet.of(Part.OPTIMIZER, Part.DATA_POSITION));
        variants.put("data position lost", EnumSet.of(Part.OPTIMIZER, Part.RNG));
        Plot plot = Plot.lines("Resumed at step " + BEFORE + ": distance from the uninterrupted losses", "step",
                "|loss - uninterrupted loss|").logY();
        double[] steps = new double[AFTER];
        Arrays.setAll(steps, i -> BEFORE + i);
        System.out.printf(Locale.ROOT, "    uninterrupted run, steps %d..%d: first loss %.7f, last %.7f%n",
                BEFORE, BEFORE + AFTER - 1, uninterrupted[0], uninterrupted[AFTER - 1]);
        for (Map.Entry<String, Set<Part>> v : variants.entrySet()) {
            float[] resumed = resume(dir, v.getValue(), AFTER);
            System.out.printf(Locale.ROOT, "    resumed, %-21s bitwise equal: %-5s  max |difference| %.3g%n",
                    v.getKey() + ":", Arrays.equals(resumed, uninterrupted), maxDifference(resumed, uninterrupted));
            double[] diff = new double[AFTER];
            Arrays.setAll(diff, i -> Math.abs(resumed[i] - uninterrupted[i]));
            // A difference of exactly 0 (bitwise equal) has no place on a log axis: say so in the legend.
            plot.series(Arrays.equals(resumed, uninterrupted) ? v.getKey() + " (0 at every step: not drawn)"
                    : v.getKey(), steps, diff);
        }

        System.out.printf(Locale.ROOT, "(b) GPT, batch %d x %d tokens, width %d, dropout 0.1: tensor memory of one "
                + "training step, measured on the ledger%n", MEM_BATCH, MEM_T, MEM_WIDTH);
        System.out.println("             held for backward (KiB)      peak of the step (KiB)");
        System.out.println("    layers     plain   checkpointed          plain   checkpointed   gradients identical");
        int maxLayers = 4;
        double[] layers = new double[maxLayers];
        double[][] kib = new double[4][maxLayers];
        for (int l = 1; l <= maxLayers; l++) {
            Pass p = forwardBackward(l, false);
            Pass c = forwardBackward(l, true);
            boolean same = p.memory().loss() == c.memory().loss() && p.gradients().keySet().stream()
                    .allMatch(k -> Arrays.equals(p.gradients().get(k), c.gradients().get(k)));
            layers[l - 1] = l;
            kib[0][l - 1] = p.memory().heldForBackward() / 1024.0;
            kib[1][l - 1] = c.memory().heldForBackward() / 1024.0;
            kib[2][l - 1] = p.memory().peak() / 1024.0;
            kib[3][l - 1] = c.memory().peak() / 1024.0;
            System.out.printf(Locale.ROOT, "    %6d %9.1f %14.1f %14.1f %14.1f   %s%n", l, kib[0][l - 1], kib[1][l - 1],
                    kib[2][l - 1], kib[3][l - 1], same);
        }
        System.out.printf(Locale.ROOT, "    each block adds, held: %.1f KiB plain, %.1f KiB checkpointed (one (B, T, C) "
                + "input = %.1f KiB); peak: %.1f KiB plain, %.1f KiB checkpointed%n", kib[0][1] - kib[0][0],
                kib[1][1] - kib[1][0], MEM_BATCH * MEM_T * MEM_WIDTH * 4 / 1024.0, kib[2][1] - kib[2][0],
                kib[3][1] - kib[3][0]);
        int timedLayers = 4;
        double[] t = timings(timedLayers, 15);
        System.out.printf(Locale.ROOT, "    time, %d layers (fastest of 15): forward alone %.2f ms; forward+backward "
                + "plain %.2f ms, checkpointed %.2f ms (x%.2f)%n", timedLayers, t[0], t[1], t[2], t[2] / t[1]);

        Path folder = LessonFolder.of("20-checkpointing");
        plot.save(folder.resolve("resume.png"));
        Plot.lines("Tensor memory of one training step", "transformer blocks", "KiB")
                .series("plain: peak", layers, kib[2]).series("checkpointed: peak", layers, kib[3])
                .series("plain: held for backward", layers, kib[0])
                .series("checkpointed: held for backward", layers, kib[1])
                .integerX().save(folder.resolve("memory.png"));
        System.out.println("wrote resume.png and memory.png in " + folder);
        for (String file : new String[] {TrainingRun.MODEL_FILE, TrainingRun.OPTIMIZER_FILE}) {
            Files.delete(dir.resolve(file));
        }
        Files.delete(dir);
    }
}
