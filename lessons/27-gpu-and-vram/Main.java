package dev.descent.lessons.gpuandvram;

import dev.descent.core.Autograd;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.LogLogPlot;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Dataset;
import dev.descent.train.data.Shard;
import dev.descent.train.loop.Mfu;
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
 * Lesson 27: what training GPT-2 124M costs a GPU. Count every byte the card must hold (parameters, gradients,
 * AdamW moments, activations, attention matrices, logits, backward's and the optimizer's temporaries) from the
 * tensor shapes, phase by phase; check the count against the VRAM planner and against the peak a real (tiny)
 * training run measures; see why keeping everything overflows an 8 GiB GTX 1070 Ti and what descent's fitted
 * layout changes; then count the FLOPs per token, turn them into time per step, and use the roofline model to see
 * which of the GPT's operations are limited by arithmetic and which by memory bandwidth.
 */
public final class Main {
    static final long FLOAT_BYTES = 4;
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    /** The GTX 1070 Ti: 8 GiB of GDDR5. */
    static final long CARD_BYTES = 8 * GIB;
    /** Its fp32 peak, 2,432 cores × 2 FLOPs (one fused multiply-add) × 1.683 GHz boost. */
    static final double PEAK_FLOPS = Mfu.peakFlops("GeForce GTX 1070 Ti");
    /** Its memory bandwidth: a 256-bit bus at 8 Gbit/s per pin. */
    static final double BANDWIDTH = 256 * 8e9 / 8;
    /** GPT-2 small with the vocabulary padded to 50,304, as the 1070 Ti preset trains it. */
    static final GPTConfig GPT2 = GPTConfig.gpt2Small().withVocabPaddedTo(64);
    static final int BATCH = 2;
    static final int SEQ = 1024;
    /** Tokens per optimizer step: 2^19, reached by accumulating 256 micro-batches of 2 × 1024. */
    static final long TOKENS_PER_STEP = 1L << 19;
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

    /** The parameters, counted from the weight shapes. The head reuses wte (weight tying), so adds nothing. */
    static long parametersByHand(GPTConfig m) {
        long c = m.width();
        long embeddings = (long) m.vocabSize() * c + (long) m.contextLength() * c;   // wte (V, C), wpe (T, C)
        long block = 2 * c                   // ln1 γ, β
                + c * 3 * c + 3 * c          // qkv: W (3C, C), b (3C)
                + c * c + c                  // attention projection: W (C, C), b (C)
                + 2 * c                      // ln2 γ, β
                + c * 4 * c + 4 * c          // MLP fc: W (4C, C), b (4C)
                + 4 * c * c + c;             // MLP projection: W (C, 4C), b (C)
        return embeddings + m.layers() * block + 2 * c;                           // + final LayerNorm γ, β
    }

    /** The number of elements of the largest parameter: wte (V, C), wpe (T, C), the MLP's (4C, C) or (C, 4C). */
    static long largestParameter(GPTConfig m) {
        long c = m.width();
        return Math.max(Math.max((long) m.vocabSize() * c, (long) m.contextLength() * c), 4 * c * c);
    }

    /**
     * Everything one transformer block keeps from its forward pass for the backward pass, micro-batch (B, T),
     * width C, H heads. With {@code attentionMatrices} it keeps the (B, H, T, T) scores and probabilities;
     * without, one log-sum-exp per attention row, from which backward recomputes the probabilities.
     */
    static List<Line> blockActivations(long b, long t, long c, long h, boolean attentionMatrices) {
        List<Line> lines = new ArrayList<>();
        lines.add(activation("ln1 output", b, t, c));
        lines.add(activation("ln1 mean and 1/std", 2, b, t));
        lines.add(activation("q, k, v", b, t, 3 * c));
        if (attentionMatrices) {
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
        lines.add(activation("GELU", b, t, 4 * c));
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
     * What backward holds besides the activations when it reaches a block's GELU: the residual stream's gradient
     * (C per token), the gradient arriving from the MLP projection (4C), GELU's derivative at its input (4C) and
     * their product, handed on to the fc layer (4C). By then the classifier has freed the logits.
     */
    static List<Line> geluBackward(long b, long t, long c) {
        return List.of(activation("residual-stream gradient", b, t, c),
                activation("gradient from the MLP projection", b, t, 4 * c),
                activation("GELU's derivative", b, t, 4 * c), activation("their product", b, t, 4 * c));
    }

    /**
     * AdamW's update of one parameter θ of {@code n} numbers as descent writes it,
     * θ ← θ·(1−γλ) − (γ/bc1)·m/(√v/√bc2 + ε): seven tensors of θ's size are alive until the result is copied into
     * θ. (Updating m makes three, updating v four.)
     */
    static List<Line> adamwTemporaries(long n) {
        List<Line> lines = new ArrayList<>();
        for (String name : List.of("θ·(1−γλ)", "√v", "√v/√bc2", "+ ε", "m/d", "·γ/bc1", "θ·(1−γλ) − ..")) {
            lines.add(tensor(name, Phase.OPTIMIZER_STEP, n));
        }
        return lines;
    }

    /**
     * The bill of training {@code m} with AdamW at micro-batch b × t, counted by hand from tensor shapes, in three
     * phases: the state (always), a micro-step's activations and backward's temporaries, the optimizer step's
     * temporaries.
     *
     * <p>KEEP_ALL keeps every activation, the T×T attention matrices and the probabilities, and a gradient for each
     * activation (except the probabilities: cross-entropy's backward writes dlogits = p − onehot directly; the
     * integer token ids and targets have none). FITTED is what descent's step allocates: fused attention keeps one log-sum-exp
     * per row, the fused classifier turns the logits into dlogits in the same buffer, and backward releases each
     * activation gradient as soon as it has been used, so only a few are alive at once. The most are alive at the
     * classifier (a V×C weight-gradient temporary, dx and s·x) or, if the vocabulary is tiny, at a GELU (13·B·T·C,
     * after the logits were freed): the bill takes the larger.
     */
    static Bill byHand(GPTConfig m, int b, int t, Layout layout) {
        boolean keepAll = layout == Layout.KEEP_ALL;
        long c = m.width();
        long v = m.vocabSize();
        long n = parametersByHand(m);
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
            long atGelu = floats(geluBackward(b, t, c)) - (long) b * t * v;
            lines.add(new Line("backward's transient peak", Phase.MICRO_STEP,
                    Math.max(floats(classifierBackward(b, t, c, v)), atGelu)));
        }
        lines.add(new Line("AdamW temporaries, 7 of the largest parameter", Phase.OPTIMIZER_STEP,
                floats(adamwTemporaries(largestParameter(m)))));
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
        TrainConfig config = new TrainConfig("lesson-27", m.vocabSize(), m.contextLength(), m.layers(), m.heads(),
                m.width(), 0f, batch, seq, 2L * batch * seq, 2, 1e-3, 1e-4, 1, 0.1, 0.9, 0.95, 1e-8, 1.0, 0, 2, 0, 27,
                "gpt2", data, dir.resolve("run"), "cpu", "");
        Trainer trainer = new Trainer(config, Backends.cpu(), "cpu", new PrintStream(OutputStream.nullOutputStream()));
        trainer.run(Integer.MAX_VALUE);
        return trainer.peakMemoryBytes();
    }

    // ------------------------------------------------------------------ FLOPs, MFU and time

    /**
     * Training FLOPs per token, from the matmul shapes. Forward, per token: 2 FLOPs (a multiply and an add) per
     * weight of every matmul — per block qkv 3C², projection C², MLP 4C² + 4C², plus the head C·V — and the
     * attention matmuls q·kᵀ and p·v, 2·T·C each, of which the causal mask makes half useful. Backward costs
     * twice the forward (a gradient for the input and one for the weight), so training is 3 × forward.
     */
    static double flopsPerTokenByHand(GPTConfig m, int t) {
        double c = m.width();
        double matmulWeights = m.layers() * 12 * c * c + c * m.vocabSize();
        double attention = m.layers() * (2 * t * c + 2 * t * c) / 2;
        return 3 * (2 * matmulWeights + attention);
    }

    /** Seconds for an optimizer step of {@code tokens} tokens at a given MFU on a card of {@code peak} FLOP/s. */
    static double secondsPerStep(long tokens, double flopsPerToken, double peak, double mfu) {
        return tokens * flopsPerToken / (peak * mfu);
    }

    // ------------------------------------------------------------------ the roofline

    /** What a kernel is, for the chart. */
    enum Kind {
        WEIGHT_MATMUL, ATTENTION_MATMUL, ELEMENTWISE
    }

    /** One kernel launch: how much arithmetic it does and how many bytes it must move to and from memory. */
    record Kernel(String name, Kind kind, double flops, double bytes) {
        /** Arithmetic intensity, FLOPs per byte moved. */
        double intensity() {
            return flops / bytes;
        }

        /** Below the ridge point peak/bandwidth the memory cannot feed the cores fast enough. */
        boolean memoryBound(double peak, double bandwidth) {
            return intensity() < peak / bandwidth;
        }

        /** The roofline's lower bound on its time: it cannot finish before its FLOPs nor before its bytes. */
        double seconds(double peak, double bandwidth) {
            return Math.max(flops / peak, bytes / bandwidth);
        }
    }

    /** An (m×k)·(k×n) matmul, repeated {@code count} times: 2mkn FLOPs, reads A and B, writes C, once each. */
    static Kernel matmul(String name, Kind kind, double count, double m, double k, double n) {
        return new Kernel(name, kind, count * 2 * m * k * n, count * FLOAT_BYTES * (m * k + k * n + m * n));
    }

    /** An elementwise op over {@code elements}, {@code flopsEach} FLOPs and {@code floatsMoved} reads+writes each. */
    static Kernel elementwise(String name, double elements, double flopsEach, double floatsMoved) {
        return new Kernel(name, Kind.ELEMENTWISE, elements * flopsEach, elements * floatsMoved * FLOAT_BYTES);
    }

    /**
     * The forward kernels of one transformer block at micro-batch b × t, each moving its data exactly once
     * (biases are added inside the matmuls). A block runs two LayerNorms and two residual adds, listed as one.
     */
    static List<Kernel> blockKernels(GPTConfig m, int b, int t) {
        double bt = (double) b * t;
        double c = m.width();
        double heads = m.heads();
        double hs = c / heads;
        return List.of(
                // mean (1) + variance (3) + normalise, scale, shift (4) per element; read x, write y
                elementwise("LayerNorm x2", 2 * bt * c, 8, 2),
                matmul("qkv matmul", Kind.WEIGHT_MATMUL, 1, bt, c, 3 * c),
                matmul("attention q·kᵀ", Kind.ATTENTION_MATMUL, b * heads, t, hs, t),
                // max, subtract, exp, sum, divide; read the score, write the probability
                elementwise("attention softmax", b * heads * t * t, 5, 2),
                matmul("attention p·v", Kind.ATTENTION_MATMUL, b * heads, t, t, hs),
                matmul("attention projection", Kind.WEIGHT_MATMUL, 1, bt, c, c),
                // one add; read two, write one
                elementwise("residual add x2", 2 * bt * c, 1, 3),
                matmul("MLP fc matmul", Kind.WEIGHT_MATMUL, 1, bt, c, 4 * c),
                // x³ (2), ·0.044715 (1), +x (1), ·√(2/π) (1), tanh (1), +1 (1), ·x (1), ·0.5 (1); read, write
                elementwise("GELU", bt * 4 * c, 9, 2),
                matmul("MLP projection", Kind.WEIGHT_MATMUL, 1, bt, 4 * c, c));
    }

    /** The classifier's kernels (once per micro-batch) and the AdamW update (once per optimizer step). */
    static List<Kernel> headKernels(GPTConfig m, int b, int t) {
        double bt = (double) b * t;
        return List.of(
                matmul("classifier matmul", Kind.WEIGHT_MATMUL, 1, bt, m.width(), m.vocabSize()),
                elementwise("softmax + cross-entropy", bt * m.vocabSize(), 5, 2),
                // m (3), v (4), bias corrections (2), √ (1), +ε (1), ÷ (1), ·lr (1), decay (2), subtract (1);
                // reads θ, g, m, v and writes θ, m, v
                elementwise("AdamW update", parametersByHand(m), 16, 7));
    }

    /**
     * The roofline's lower bound on one micro-step's time (forward + backward ≈ 3 × forward for every kernel),
     * {seconds, of which in memory-bound kernels}. The AdamW update runs once per optimizer step, so only
     * its share per micro-step counts.
     */
    static double[] rooflineMicroStepSeconds(GPTConfig m, int b, int t, double peak, double bandwidth) {
        double total = 0;
        double memoryBound = 0;
        List<Kernel> kernels = new ArrayList<>();
        for (int layer = 0; layer < m.layers(); layer++) {
            kernels.addAll(blockKernels(m, b, t));
        }
        kernels.addAll(headKernels(m, b, t));
        double microSteps = (double) TOKENS_PER_STEP / (b * t);
        for (Kernel k : kernels) {
            double s = k.name().equals("AdamW update") ? k.seconds(peak, bandwidth) / microSteps
                    : 3 * k.seconds(peak, bandwidth);
            total += s;
            if (k.memoryBound(peak, bandwidth)) {
                memoryBound += s;
            }
        }
        return new double[] {total, memoryBound};
    }

    // ------------------------------------------------------------------ how a GPU matmul earns its intensity

    /**
     * C = A·B for n×n matrices, the way a GPU kernel computes it: C is cut into tile×tile blocks, one per
     * thread block; for each block, matching tile×tile pieces of A and B are copied from global memory (the
     * GDDR5) into the block's small, fast shared memory, and every multiply-add reads from there. Returns how
     * many floats were read from global memory: 2n³/tile, so each loaded float is used tile times.
     * Tile 1 is the naive kernel, one thread per output reading a whole row of A and column of B.
     */
    static long tiledMatmul(float[] a, float[] b, float[] c, int n, int tile) {
        if (n % tile != 0) {
            throw new IllegalArgumentException("tiledMatmul: tile " + tile + " does not divide n = " + n);
        }
        long globalReads = 0;
        float[] aShared = new float[tile * tile];
        float[] bShared = new float[tile * tile];
        for (int i0 = 0; i0 < n; i0 += tile) {
            for (int j0 = 0; j0 < n; j0 += tile) {
                float[] acc = new float[tile * tile];
                for (int k0 = 0; k0 < n; k0 += tile) {
                    for (int i = 0; i < tile; i++) {
                        for (int k = 0; k < tile; k++) {
                            aShared[i * tile + k] = a[(i0 + i) * n + k0 + k];
                            bShared[i * tile + k] = b[(k0 + i) * n + j0 + k];
                        }
                    }
                    globalReads += 2L * tile * tile;
                    // acc[i][j] += Σ_k A[i][k]·B[k][j], all from shared memory
                    for (int i = 0; i < tile; i++) {
                        for (int k = 0; k < tile; k++) {
                            float aik = aShared[i * tile + k];
                            for (int j = 0; j < tile; j++) {
                                acc[i * tile + j] += aik * bShared[k * tile + j];
                            }
                        }
                    }
                }
                for (int i = 0; i < tile; i++) {
                    System.arraycopy(acc, i * tile, c, (i0 + i) * n + j0, tile);
                }
            }
        }
        return globalReads;
    }

    /** FLOPs per byte read from global memory by {@link #tiledMatmul}: 2n³ / (4 · 2n³/tile) = tile/4. */
    static double tiledIntensity(int n, long globalReads) {
        return 2.0 * n * n * n / (FLOAT_BYTES * globalReads);
    }

    // ------------------------------------------------------------------ the same effect on this CPU

    /**
     * Measured on this machine's CPU with descent's own ops, best of {@code repeats} runs: {matmul GFLOP/s,
     * elementwise-add GFLOP/s, add GB/s moved, GELU GB/s moved}. A benchmark, so only printed, never asserted.
     */
    static double[] cpuRates(int matmulSize, int elements, int repeats) {
        Rng rng = new Rng(27);
        Tensor a = Tensor.randn(rng, matmulSize, matmulSize);
        Tensor b = Tensor.randn(rng, matmulSize, matmulSize);
        Tensor x = Tensor.randn(rng, elements);
        Tensor y = Tensor.randn(rng, elements);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        try (var off = Autograd.noGrad()) {
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                a.matmul(b);
                long t1 = System.nanoTime();
                x.add(y);
                long t2 = System.nanoTime();
                x.gelu();
                long t3 = System.nanoTime();
                best[0] = Math.min(best[0], (t1 - t0) / 1e9);
                best[1] = Math.min(best[1], (t2 - t1) / 1e9);
                best[2] = Math.min(best[2], (t3 - t2) / 1e9);
            }
        }
        double matmulFlops = 2.0 * matmulSize * matmulSize * matmulSize;
        return new double[] {matmulFlops / best[0] / 1e9, elements / best[1] / 1e9,
                3.0 * FLOAT_BYTES * elements / best[1] / 1e9, 2.0 * FLOAT_BYTES * elements / best[2] / 1e9};
    }

    // ------------------------------------------------------------------ the lesson

    public static void main(String[] args) throws IOException {
        printMemoryBills();
        printMeasuredPeaks();
        printFlopsAndTime();
        List<Kernel> kernels = printRoofline();
        printTiling();
        printCpuRates();
        writeRooflineChart(kernels);
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
        long n = parametersByHand(GPT2);
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
        List<Line> gelu = geluBackward(BATCH, SEQ, c);
        System.out.printf(Locale.ROOT, "%nbackward's transient peak (fitted layout) is the larger of%n");
        printGroup("at the classifier", floats(classifier) * FLOAT_BYTES, classifier);
        printGroup("at a GELU, less the freed logits (" + mib(logits) + ")", floats(gelu) * FLOAT_BYTES - logits,
                gelu);
        List<Line> adamw = adamwTemporaries(largestParameter(GPT2));
        System.out.printf(Locale.ROOT, "the optimizer step: AdamW's update of the largest parameter, wte (%d x %d, "
                + "%s), holds 7 temporaries%n  %s%n  = %s%n%n", v, c, mib(v * c * FLOAT_BYTES),
                String.join(", ", adamw.stream().map(Line::name).toList()), mib(floats(adamw) * FLOAT_BYTES));

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
            long gelu = floats(geluBackward(TINY_BATCH, TINY_SEQ, m.width())) - (long) TINY_BATCH * TINY_SEQ
                    * m.vocabSize();
            System.out.printf(Locale.ROOT, "  vocab %4d, width %d, %d blocks: measured %,d bytes, VramPlan FITTED %,d, "
                    + "by hand %,d; measured/planned %.4f (backward peaks at %s)%n", m.vocabSize(), m.width(),
                    m.layers(), measured, planned, byHand(m, TINY_BATCH, TINY_SEQ, Layout.FITTED).totalBytes(),
                    (double) measured / planned, classifier >= gelu ? "the classifier" : "a GELU");
        }
        System.out.println();
    }

    private static void printFlopsAndTime() {
        long n = parametersByHand(GPT2);
        double byHand = flopsPerTokenByHand(GPT2, SEQ);
        double estimate = Mfu.flopsPerToken(n, GPT2.layers(), GPT2.width(), SEQ);
        System.out.printf(Locale.ROOT, "FLOPs per token: %.4g from the matmul shapes, %.4g from 6N + 6LCT "
                + "(Mfu.flopsPerToken), ratio %.4f%n", byHand, estimate, byHand / estimate);
        System.out.printf(Locale.ROOT, "GTX 1070 Ti: %.2f TFLOP/s fp32 peak, %.0f GB/s; one optimizer step = "
                + "%,d tokens = %d micro-batches%n", PEAK_FLOPS / 1e12, BANDWIDTH / 1e9, TOKENS_PER_STEP,
                TOKENS_PER_STEP / (BATCH * SEQ));
        for (double mfu : new double[] {1.0, 0.5, 0.4, 0.25}) {
            double s = secondsPerStep(TOKENS_PER_STEP, estimate, PEAK_FLOPS, mfu);
            System.out.printf(Locale.ROOT, "  MFU %3.0f%%: %6.0f tokens/s, %5.0f s per optimizer step, "
                    + "%4.1f days per billion tokens%n", 100 * mfu, PEAK_FLOPS * mfu / estimate, s,
                    1e9 / (PEAK_FLOPS * mfu / estimate) / 86400);
        }
    }

    private static List<Kernel> printRoofline() {
        double ridge = PEAK_FLOPS / BANDWIDTH;
        System.out.printf(Locale.ROOT, "%nroofline on the 1070 Ti: ridge point %.1f FLOP/byte; below it an op waits "
                + "for memory%n", ridge);
        List<Kernel> kernels = new ArrayList<>(blockKernels(GPT2, BATCH, SEQ));
        kernels.addAll(headKernels(GPT2, BATCH, SEQ));
        for (Kernel k : kernels) {
            System.out.printf(Locale.ROOT, "  %-24s %9.2f GFLOP %8.1f MB %8.1f FLOP/B  %-13s %7.3f ms%n", k.name(),
                    k.flops() / 1e9, k.bytes() / 1e6, k.intensity(),
                    k.memoryBound(PEAK_FLOPS, BANDWIDTH) ? "memory-bound" : "compute-bound",
                    1e3 * k.seconds(PEAK_FLOPS, BANDWIDTH));
        }
        double[] bound = rooflineMicroStepSeconds(GPT2, BATCH, SEQ, PEAK_FLOPS, BANDWIDTH);
        double ideal = BATCH * SEQ * Mfu.flopsPerToken(parametersByHand(GPT2), GPT2.layers(), GPT2.width(), SEQ)
                / PEAK_FLOPS;
        System.out.printf(Locale.ROOT, "one micro-step (fwd + bwd = 3 x fwd): at least %.0f ms by the roofline, "
                + "%.0f%% of it in memory-bound ops; %.0f ms at peak -> MFU at most %.0f%% even with perfect "
                + "kernels%n", 1e3 * bound[0], 100 * bound[1] / bound[0], 1e3 * ideal, 100 * ideal / bound[0]);
        return kernels;
    }

    private static void printTiling() {
        int n = 256;
        Rng rng = new Rng(1070);
        float[] a = Tensor.randn(rng, n, n).toArray();
        float[] b = Tensor.randn(rng, n, n).toArray();
        System.out.printf(Locale.ROOT, "%nsimulated GPU matmul %dx%d: floats read from global memory, and FLOPs per "
                + "byte read%n", n, n);
        for (int tile : new int[] {1, 8, 16, 32, 64}) {
            long reads = tiledMatmul(a, b, new float[n * n], n, tile);
            System.out.printf(Locale.ROOT, "  tile %2d: %,11d reads, %5.2f FLOP/byte -> %s on a 1070 Ti%n", tile,
                    reads, tiledIntensity(n, reads),
                    tiledIntensity(n, reads) < PEAK_FLOPS / BANDWIDTH ? "memory-bound" : "compute-bound");
        }
    }

    private static void printCpuRates() {
        double[] cpu = cpuRates(256, 1 << 22, 10);
        System.out.printf(Locale.ROOT, "%nthis CPU, descent's own ops: 256x256 matmul %.1f GFLOP/s; "
                + "add of 4M floats %.2f GFLOP/s (%.1f GB/s moved) -> the matmul does %.0fx more arithmetic "
                + "per second%n", cpu[0], cpu[1], cpu[2], cpu[0] / cpu[1]);
        System.out.printf(Locale.ROOT, "  GELU of 4M floats moves only %.2f GB/s: on this CPU its tanh, not memory, "
                + "is the limit%n", cpu[3]);
    }

    private static void writeRooflineChart(List<Kernel> kernels) {
        Path folder = LessonFolder.of("27-gpu-and-vram");
        LogLogPlot chart = LogLogPlot.of("Roofline of a GTX 1070 Ti (fp32) and the GPT-2 124M kernels",
                "arithmetic intensity, FLOP/byte (log scale)", "attainable GFLOP/s (log scale)");
        String[] labels = {"weight matmuls (qkv, projections, MLP, classifier)", "attention q.k^T and p.v",
            "elementwise (LayerNorm, softmax, residual, GELU, AdamW)"};
        for (Kind kind : Kind.values()) {
            List<Kernel> group = kernels.stream().filter(k -> k.kind() == kind).toList();
            double[] x = group.stream().mapToDouble(Kernel::intensity).toArray();
            double[] y = group.stream().mapToDouble(k -> Math.min(PEAK_FLOPS, BANDWIDTH * k.intensity()) / 1e9)
                    .toArray();
            chart.points(labels[kind.ordinal()], x, y);
        }
        // The roof: min(peak, bandwidth × intensity), bending at the ridge point peak / bandwidth.
        double ridge = PEAK_FLOPS / BANDWIDTH;
        chart.line("roof: min(peak, bandwidth x intensity)", new double[] {0.05, ridge, 1000},
                new double[] {BANDWIDTH * 0.05 / 1e9, PEAK_FLOPS / 1e9, PEAK_FLOPS / 1e9});
        chart.save(folder.resolve("roofline.png"));
        System.out.println("wrote roofline.png in " + folder);
    }
}
