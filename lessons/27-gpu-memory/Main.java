package dev.descent.lessons.gpumemory;

import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.lessons.Gtx1070Ti;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import dev.descent.train.loop.Trainer;
import dev.descent.train.plan.VramPlan;
import dev.descent.train.plan.VramPlan.Layout;
import dev.descent.train.plan.VramPlan.Phase;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Lesson 27: the memory training GPT-2 124M needs on a GPU. Count every byte the card must hold (parameters,
 * gradients, AdamW moments, activations, attention matrices, logits, backward's temporaries, the optimizer's
 * partial sums) from the tensor shapes, phase by phase; check the count against the VRAM planner and against the peak a real
 * (tiny) training run measures; see why keeping everything overflows an 8 GiB GTX 1070 Ti and what descent's
 * fitted layout changes.
 */
public final class Main {
    static final long FLOAT_BYTES = 4;
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    /** Gradient numbers per partial sum of squares on a GPU: a block of the CUDA backend's fused sum. */
    static final long SUM_CHUNK = 4096;
    static final long CARD_BYTES = Gtx1070Ti.MEMORY_BYTES;
    static final GPTConfig GPT2 = Gtx1070Ti.GPT2;
    static final int BATCH = Gtx1070Ti.MICRO_BATCH;
    static final int SEQ = Gtx1070Ti.SEQ_LEN;
    /** Two tiny GPTs trained for real on the CPU: a 2048-token vocabulary, and a 64-token one. */
    static final GPTConfig TINY_LARGE_VOCAB = new GPTConfig(2048, 64, 2, 2, 32, 0f, false);
    static final GPTConfig TINY_SMALL_VOCAB = new GPTConfig(64, 64, 2, 2, 32, 0f, false);
    /** Their micro-batch, 4 × 64 tokens. */
    static final int TINY_BATCH = 4;
    static final int TINY_SEQ = 64;

    /** One line of a memory bill: a named group of fp32 numbers, held during one phase of training. */
    record Line(String name, Phase phase, long floats) {
        long bytes() {
            return floats * FLOAT_BYTES;
        }
    }

    /** A whole memory bill. */
    record Bill(List<Line> lines) {
        /** Bytes of the lines held during {@code phase}. */
        long bytes(Phase phase) {
            return lines.stream().filter(l -> l.phase() == phase).mapToLong(Line::bytes).sum();
        }

        /**
         * The peak. The state is always there; a micro-step's working set and the optimizer step's are never
         * there together (the micro-step releases everything it made before AdamW runs), so the larger one counts.
         */
        long totalBytes() {
            return bytes(Phase.ALWAYS) + Math.max(bytes(Phase.MICRO_STEP), bytes(Phase.OPTIMIZER_STEP));
        }

        long bytesOf(String name) {
            return lines.stream().filter(l -> l.name().equals(name)).mapToLong(Line::bytes).sum();
        }
    }

    /** A tensor of the given shape, held during {@code phase}: the product of its dimensions, in floats. */
    static Line tensor(String name, Phase phase, long... dims) {
        long floats = 1;
        for (long d : dims) {
            floats *= d;
        }
        return new Line(name, phase, floats);
    }

    private static Line activation(String name, long... dims) {
        return tensor(name, Phase.MICRO_STEP, dims);
    }

    private static long floats(List<Line> lines) {
        return lines.stream().mapToLong(Line::floats).sum();
    }

    /**
     * Everything one transformer block keeps from its forward pass for the backward pass, micro-batch (B, T),
     * width C, H heads. With {@code keepAll} it keeps the (B, H, T, T) scores and probabilities and the MLP's hidden
     * layer before and after GELU; without (the fitted layout), one log-sum-exp per attention row, from which
     * backward recomputes the probabilities, and the hidden layer before GELU only, from which backward recomputes
     * GELU's output (the fused MLP).
     */
    static List<Line> blockActivations(long b, long t, long c, long h, boolean keepAll) {
        List<Line> lines = new ArrayList<>();
        lines.add(activation("ln1 output", b, t, c));
        lines.add(activation("ln1 mean and 1/std", 2, b, t));
        lines.add(activation("q, k, v", b, t, 3 * c));
        if (keepAll) {
            lines.add(activation("attention scores", b, h, t, t));
            lines.add(activation("attention probabilities", b, h, t, t));
        } else {
            lines.add(activation("attention log-sum-exp", b, h, t));
        }
        lines.add(activation("attention output", b, t, c));
        lines.add(activation("attention projection", b, t, c));
        lines.add(activation("residual after attention", b, t, c));
        lines.add(activation("ln2 output", b, t, c));
        lines.add(activation("ln2 mean and 1/std", 2, b, t));
        lines.add(activation("MLP fc", b, t, 4 * c));
        if (keepAll) {
            lines.add(activation("GELU", b, t, 4 * c));
        }
        lines.add(activation("MLP projection", b, t, c));
        lines.add(activation("residual after MLP", b, t, c));
        return lines;
    }

    /**
     * What backward holds besides the activations when it runs the fused classifier, the first op it meets. With D
     * the dlogits (in the logits' buffer) and s the mean loss's scale (the upstream gradient over B·T): the input
     * gradient dx = s·D·W, and for the tied embedding's gradient dW = Dᵀ·(s·x) the scaled input s·x and the (V, C)
     * result, a temporary until it is added into wte's gradient.
     */
    static List<Line> classifierBackward(long b, long t, long c, long v) {
        return List.of(activation("dx = s·D·W", b, t, c), activation("s·x", b, t, c),
                activation("dW = Dᵀ·(s·x), the (V, C) weight-gradient temporary", v, c));
    }

    /**
     * What backward holds besides the activations inside a block's fused MLP, at the larger of its two busiest
     * moments: the residual stream's gradient and the MLP output's (C per token each) throughout; then either the
     * gradient da = g·W2 arriving at GELU (4C) and du = da ⊙ gelu'(h + b1) (4C) beside the (C, 4C) temporary dW2 and
     * db2, or, later, du, the input gradient dx (C) and both weight gradients' temporaries with their biases'. By then
     * the classifier has freed the logits.
     */
    static List<Line> mlpBackward(long b, long t, long c) {
        List<Line> common = List.of(activation("residual-stream gradient", b, t, c),
                activation("gradient of the MLP output", b, t, c), activation("dW2, (C, 4C) temporary", c, 4 * c),
                activation("db2", c));
        List<Line> atGelu = new ArrayList<>(common);
        atGelu.add(activation("da = g·W2", b, t, 4 * c));
        atGelu.add(activation("du = da ⊙ gelu'(h + b1)", b, t, 4 * c));
        List<Line> atInput = new ArrayList<>(common);
        atInput.add(activation("du = da ⊙ gelu'(h + b1)", b, t, 4 * c));
        atInput.add(activation("db1", 4 * c));
        atInput.add(activation("dW1, (4C, C) temporary", 4 * c, c));
        atInput.add(activation("dx = du·W1", b, t, c));
        return floats(atGelu) >= floats(atInput) ? atGelu : atInput;
    }

    /**
     * The optimizer step of a model with {@code n} parameters as descent runs it. AdamW is one fused pass that reads
     * θ, g, m, v and writes θ, m, v in place: no temporaries, and one flag it sets if it wrote a NaN or an infinity.
     * The gradient norm the clipping needs sums squares without squaring a copy: on a GPU, one partial sum per 4096
     * numbers of g.
     */
    static List<Line> optimizerStep(long n) {
        return List.of(new Line("partial sums of squares of g (one per 4096)", Phase.OPTIMIZER_STEP,
                        (n + SUM_CHUNK - 1) / SUM_CHUNK),
                new Line("AdamW's finite flag", Phase.OPTIMIZER_STEP, 1));
    }

    /**
     * The bill of training {@code m} with AdamW at micro-batch b × t, counted by hand from tensor shapes, in three
     * phases: the state (always), a micro-step's activations and backward's temporaries, the optimizer step's
     * partial sums.
     *
     * <p>KEEP_ALL keeps every activation, the T×T attention matrices and the probabilities, and a gradient for each
     * activation (except the probabilities: cross-entropy's backward writes dlogits = p − onehot directly; the
     * integer token ids and targets have none). FITTED is what descent's step allocates: fused attention keeps one log-sum-exp
     * per row, the fused classifier turns the logits into dlogits in the same buffer, and backward releases each
     * activation gradient as soon as it has been used, so only a few are alive at once. The most are alive at the
     * classifier (a V×C weight-gradient temporary, dx and s·x) or, if the vocabulary is tiny, in an MLP (about
     * 10·B·T·C, after the logits were freed): the bill takes the larger.
     */
    static Bill byHand(GPTConfig m, int b, int t, Layout layout) {
        boolean keepAll = layout == Layout.KEEP_ALL;
        long c = m.width();
        long v = m.vocabSize();
        long n = ParameterCount.of(m);
        List<Line> block = blockActivations(b, t, c, m.heads(), keepAll);
        long blockMatrices = floats(block.stream().filter(l -> isAttentionMatrix(l.name())).toList());
        long blockRest = floats(block) - blockMatrices;

        List<Line> lines = new ArrayList<>();
        lines.add(new Line("parameters", Phase.ALWAYS, n));
        lines.add(new Line("gradients", Phase.ALWAYS, n));
        lines.add(new Line("AdamW first moment m", Phase.ALWAYS, n));
        lines.add(new Line("AdamW second moment v", Phase.ALWAYS, n));

        lines.add(activation("token ids", b, t));
        lines.add(activation("targets", b, t));
        List<Line> activations = new ArrayList<>();
        activations.add(activation("wte rows wte[ids]", b, t, c));
        activations.add(activation("wpe rows wpe[0..T)", t, c));
        activations.add(activation("embedding sum", b, t, c));
        activations.add(new Line(m.layers() + " blocks, without attention matrices", Phase.MICRO_STEP,
                m.layers() * blockRest));
        activations.add(new Line(keepAll ? "attention scores + probabilities, all blocks"
                : "attention log-sum-exp, all blocks", Phase.MICRO_STEP, m.layers() * blockMatrices));
        activations.add(activation("final LayerNorm output", b, t, c));
        activations.add(activation("final LayerNorm mean and 1/std", 2, b, t));
        lines.addAll(activations);
        if (keepAll) {
            lines.add(activation("logits", b, t, v));
            lines.add(activation("probabilities", b, t, v));
            lines.add(new Line("activation gradients, one per activation", Phase.MICRO_STEP,
                    floats(activations) + (long) b * t * v));
        } else {
            lines.add(activation("logits, overwritten by dlogits", b, t, v));
            long inMlp = floats(mlpBackward(b, t, c)) - (long) b * t * v;
            lines.add(new Line("backward's transient peak", Phase.MICRO_STEP,
                    Math.max(floats(classifierBackward(b, t, c, v)), inMlp)));
        }
        lines.addAll(optimizerStep(n));
        return new Bill(lines);
    }

    private static boolean isAttentionMatrix(String name) {
        return name.equals("attention scores") || name.equals("attention probabilities")
                || name.equals("attention log-sum-exp");
    }

    /**
     * Trains {@code m} for real on the CPU, two optimizer steps of two micro-batches of {@code batch} ×
     * {@code seq} random tokens written to {@code dir}, with descent's own trainer; returns the most tensor memory
     * it held at once (the CPU backend's ledger of tensors made and not yet released).
     */
    static long measuredPeakBytes(GPTConfig m, int batch, int seq, Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Rng rng = new Rng(27);
        for (int shard = 0; shard < 3; shard++) {
            int[] tokens = new int[4 * batch * seq];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = rng.nextInt(m.vocabSize());
            }
            Shard.write(data.resolve(Dataset.shardName(shard)), tokens);
        }
        TrainConfig config = TrainConfig.tinyCpu()
                .with(new TrainConfig.Model(m.vocabSize(), m.contextLength(), m.layers(), m.heads(), m.width(), 0f))
                .with(new TrainConfig.Batch(batch, seq, 2L * batch * seq)).with("steps", 2).with("maxLr", 1e-3)
                .with("minLr", 1e-4).with("warmupSteps", 1).with("evalEvery", 0).with("evalBatches", 2)
                .with("checkpointEvery", 0).with("seed", 27).with("data", data).with("out", dir.resolve("run"));
        Trainer trainer = new Trainer(config, Backends.cpu(), "cpu", new PrintStream(OutputStream.nullOutputStream()));
        trainer.run(Integer.MAX_VALUE);
        return trainer.peakMemoryBytes();
    }

    // ------------------------------------------------------------------ the lesson

    public static void main(String[] args) throws IOException {
        printMemoryBills();
        printMeasuredPeaks();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) MIB);
    }

    private static void printGroup(String title, long bytes, List<Line> lines) {
        System.out.printf(Locale.ROOT, "  %-55s %9.2f MiB%n", title, bytes / (double) MIB);
        for (Line l : lines) {
            System.out.printf(Locale.ROOT, "    %-53s %9.2f MiB%n", l.name(), l.bytes() / (double) MIB);
        }
    }

    private static void printMemoryBills() {
        long n = ParameterCount.of(GPT2);
        System.out.printf(Locale.ROOT, "GPT-2 124M (vocab %d), micro-batch %d x %d, fp32, AdamW: %,d parameters "
                + "(GPT.parameterCount says %,d)%n%n", GPT2.vocabSize(), BATCH, SEQ, n, GPT.parameterCount(GPT2));

        System.out.println("what one transformer block keeps for backward (keep-all layout):");
        for (Line l : blockActivations(BATCH, SEQ, GPT2.width(), GPT2.heads(), true)) {
            System.out.printf(Locale.ROOT, "  %-28s %8.2f MiB%n", l.name(), l.bytes() / (double) MIB);
        }
        long c = GPT2.width();
        long v = GPT2.vocabSize();
        long logits = BATCH * SEQ * v * FLOAT_BYTES;
        List<Line> classifier = classifierBackward(BATCH, SEQ, c, v);
        List<Line> mlp = mlpBackward(BATCH, SEQ, c);
        System.out.printf(Locale.ROOT, "%nbackward's transient peak (fitted layout) is the larger of%n");
        printGroup("at the classifier", floats(classifier) * FLOAT_BYTES, classifier);
        printGroup("in an MLP, less the freed logits (" + mib(logits) + ")", floats(mlp) * FLOAT_BYTES - logits,
                mlp);
        List<Line> optimizer = optimizerStep(n);
        System.out.printf(Locale.ROOT, "the optimizer step: fused AdamW updates θ, m, v in place (no temporaries) "
                + "and sets a flag if it wrote a non-finite value;%n  the gradient norm keeps %s = %s%n%n",
                optimizer.get(0).name(), mib(floats(optimizer) * FLOAT_BYTES));

        for (Layout layout : Layout.values()) {
            Bill bill = byHand(GPT2, BATCH, SEQ, layout);
            VramPlan plan = VramPlan.of(GPT2, BATCH, SEQ, layout);
            System.out.printf(Locale.ROOT, "counted by hand, layout %s:%n", layout);
            boolean phasesEqual = true;
            for (Phase phase : Phase.values()) {
                System.out.printf(Locale.ROOT, "  %s (%.1f MiB)%n", phase, bill.bytes(phase) / (double) MIB);
                for (Line l : bill.lines()) {
                    if (l.phase() == phase) {
                        System.out.printf(Locale.ROOT, "    %-53s %9.2f MiB%n", l.name(), l.bytes() / (double) MIB);
                    }
                }
                phasesEqual &= bill.bytes(phase) == plan.bytes(phase);
            }
            System.out.printf(Locale.ROOT, "  %-55s %9.1f MiB = %.2f GiB%n  VramPlan says %.2f GiB (%s)%n%n",
                    "peak = ALWAYS + max(MICRO_STEP, OPTIMIZER_STEP)", bill.totalBytes() / (double) MIB,
                    bill.totalBytes() / (double) GIB, plan.totalBytes() / (double) GIB,
                    bill.totalBytes() == plan.totalBytes() && phasesEqual ? "equal, and equal phase by phase"
                            : "DIFFERENT");
        }
        System.out.print(VramPlan.of(GPT2, BATCH, SEQ, Layout.FITTED).render(CARD_BYTES));

        Bill keepAll = byHand(GPT2, BATCH, SEQ, Layout.KEEP_ALL);
        Bill fitted = byHand(GPT2, BATCH, SEQ, Layout.FITTED);
        System.out.printf(Locale.ROOT, "%nwhat the fitted layout saves (GiB):%n");
        System.out.printf(Locale.ROOT, "  T x T attention matrices -> one log-sum-exp per row: %.2f -> %.4f%n",
                keepAll.bytesOf("attention scores + probabilities, all blocks") / (double) GIB,
                fitted.bytesOf("attention log-sum-exp, all blocks") / (double) GIB);
        System.out.printf(Locale.ROOT, "  MLP hidden layer before and after GELU -> before only, GELU recomputed: "
                + "%.2f -> %.2f%n", keepAll.bytesOf("12 blocks, without attention matrices") / (double) GIB,
                fitted.bytesOf("12 blocks, without attention matrices") / (double) GIB);
        System.out.printf(Locale.ROOT, "  fused classifier, logits + probabilities -> logits only: %.2f -> %.2f%n",
                (keepAll.bytesOf("logits") + keepAll.bytesOf("probabilities")) / (double) GIB,
                fitted.bytesOf("logits, overwritten by dlogits") / (double) GIB);
        System.out.printf(Locale.ROOT, "  a gradient per activation -> the few alive at backward's peak: %.2f -> %.2f%n",
                keepAll.bytesOf("activation gradients, one per activation") / (double) GIB,
                fitted.bytesOf("backward's transient peak") / (double) GIB);
        System.out.printf(Locale.ROOT, "  total: %.2f GiB (does not fit 8 GiB) -> %.2f GiB (fits)%n%n",
                keepAll.totalBytes() / (double) GIB, fitted.totalBytes() / (double) GIB);
    }

    private static void printMeasuredPeaks() throws IOException {
        System.out.printf(Locale.ROOT, "measured: descent's trainer on this CPU, 2 optimizer steps of 2 micro-batches "
                + "of %d x %d, tensor memory held at peak%n", TINY_BATCH, TINY_SEQ);
        for (GPTConfig m : List.of(TINY_LARGE_VOCAB, TINY_SMALL_VOCAB)) {
            Path dir = Files.createTempDirectory("lesson-27");
            long measured = measuredPeakBytes(m, TINY_BATCH, TINY_SEQ, dir);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
            long planned = VramPlan.of(m, TINY_BATCH, TINY_SEQ, Layout.FITTED).totalBytes();
            long classifier = floats(classifierBackward(TINY_BATCH, TINY_SEQ, m.width(), m.vocabSize()));
            long mlp = floats(mlpBackward(TINY_BATCH, TINY_SEQ, m.width())) - (long) TINY_BATCH * TINY_SEQ
                    * m.vocabSize();
            System.out.printf(Locale.ROOT, "  vocab %4d, width %d, %d blocks: measured %,d bytes, VramPlan FITTED %,d, "
                    + "by hand %,d; measured/planned %.4f (backward peaks %s)%n", m.vocabSize(), m.width(),
                    m.layers(), measured, planned, byHand(m, TINY_BATCH, TINY_SEQ, Layout.FITTED).totalBytes(),
                    (double) measured / planned, classifier >= mlp ? "at the classifier" : "in an MLP");
        }
        System.out.println();
    }
}
