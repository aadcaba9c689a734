package dev.descent.lessons.gradientaccumulation;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.layers.BatchNorm1d;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import dev.descent.optim.GradAccumulation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Lesson 19: gradient accumulation. A batch too big for memory is split into N micro-batches; each one's loss is
 * divided by N and back-propagated, the gradients add up in place, and one optimizer step follows. The result
 * is the big batch's gradient, up to rounding, for any model whose examples do not see each other, which is
 * not the case for BatchNorm.
 */
public final class Main {
    /** GPT-2's batch: 2^19 tokens per step. On a small GPU, micro-batches of 2 sequences of 1024 tokens. */
    static final long TOTAL_TOKENS = 1L << 19;
    static final int MICRO_BATCH = 2;
    static final int SEQ_LEN = 1024;

    /** A tiny GPT: vocabulary 16, context 8, 2 layers, 2 heads, width 16, no dropout. */
    static final GPTConfig TINY = new GPTConfig(16, 8, 2, 2, 16, 0f, false);
    static final int BATCH = 8;

    /** A model and a way to compute the mean loss of any range [from, to) of its batch. */
    interface Problem {
        Module model();

        /** The mean loss over examples [from, to) of the batch. */
        Tensor loss(int from, int to);

        int batchSize();
    }

    /** The tiny GPT on BATCH random sequences; targets are the sequences shifted by one token. */
    static Problem gpt(long seed) {
        GPT model = new GPT(TINY, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        int t = TINY.contextLength();
        float[] stream = new float[BATCH * (t + 1)];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = rng.nextInt(TINY.vocabSize());
        }
        Tensor rows = Tensor.fromArray(stream, BATCH, t + 1);
        Tensor idx = rows.slice(1, 0, t);
        Tensor targets = rows.slice(1, 1, t + 1);
        return new Problem() {
            public Module model() {
                return model;
            }

            public Tensor loss(int from, int to) {
                return model.loss(idx.slice(0, from, to), targets.slice(0, from, to));
            }

            public int batchSize() {
                return BATCH;
            }
        };
    }

    /** Linear(4, 16) → BatchNorm1d(16) → ReLU → Linear(16, 1), mean squared error on 16 random examples. */
    static Problem batchNormMlp(long seed) {
        Rng rng = new Rng(seed);
        Module model = new Sequential(new Linear(4, 16, rng), new BatchNorm1d(16), new ReLU(), new Linear(16, 1, rng));
        Tensor x = Tensor.randn(rng, 16, 4);
        Tensor y = Tensor.randn(rng, 16, 1);
        return new Problem() {
            public Module model() {
                return model;
            }

            public Tensor loss(int from, int to) {
                return model.forward(x.slice(0, from, to)).sub(y.slice(0, from, to)).pow(2).mean();
            }

            public int batchSize() {
                return 16;
            }
        };
    }

    /** Every parameter's gradient, copied out, in parameter order; then the gradients are cleared. */
    static List<float[]> takeGradients(Module model) {
        List<float[]> grads = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            grads.add(p.grad().toArray());
        }
        model.zeroGrad();
        return grads;
    }

    /** The gradient of the whole batch's mean loss, one backward pass. */
    static List<float[]> bigBatchGradient(Problem problem) {
        problem.model().zeroGrad();
        problem.loss(0, problem.batchSize()).backward();
        return takeGradients(problem.model());
    }

    /**
     * Accumulation from primitives: for k = 0..N−1, backward of (loss of micro-batch k)·scale; the gradients add
     * up in each parameter's .grad. The right scale is 1/N.
     */
    static List<float[]> accumulatedGradient(Problem problem, int microSteps, float scale) {
        problem.model().zeroGrad();
        int size = problem.batchSize() / microSteps;
        for (int k = 0; k < microSteps; k++) {
            problem.loss(k * size, (k + 1) * size).mul(scale).backward();
        }
        return takeGradients(problem.model());
    }

    /** The same through the optimizer library's helper {@link GradAccumulation#accumulate}. */
    static List<float[]> libraryAccumulatedGradient(Problem problem, int microSteps) {
        problem.model().zeroGrad();
        int size = problem.batchSize() / microSteps;
        IntFunction<Tensor> microLoss = k -> problem.loss(k * size, (k + 1) * size);
        GradAccumulation.accumulate(problem.model().parameters(), microSteps, microLoss);
        return takeGradients(problem.model());
    }

    /**
     * Two micro-batches of unequal size, [0, split) and [split, B), combined with the given weights: the right
     * ones are each micro-batch's share of the examples, not 1/2 each.
     */
    static List<float[]> unevenGradient(Problem problem, int split, float firstWeight, float secondWeight) {
        problem.model().zeroGrad();
        problem.loss(0, split).mul(firstWeight).backward();
        problem.loss(split, problem.batchSize()).mul(secondWeight).backward();
        return takeGradients(problem.model());
    }

    /** The weight of one of N equal micro-batches of a batch of {@code examples}: {@link MicroBatchWeights}, 1/N. */
    static float equalShare(int examples, int microSteps) {
        int[] sizes = new int[microSteps];
        Arrays.fill(sizes, examples / microSteps);
        return MicroBatchWeights.of(sizes)[0];
    }

    static double maxAbsDiff(List<float[]> a, List<float[]> b) {
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).length; j++) {
                max = Math.max(max, Math.abs(a.get(i)[j] - b.get(i)[j]));
            }
        }
        return max;
    }

    static double maxAbs(List<float[]> a) {
        double max = 0;
        for (float[] g : a) {
            for (float v : g) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    private static String[] scientific(double[] values) {
        String[] out = new String[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = String.format(Locale.ROOT, "%.1e", values[i]);
        }
        return out;
    }

    public static void main(String[] args) {
        int steps = GradAccumulation.accumulationSteps(TOTAL_TOKENS, MICRO_BATCH, SEQ_LEN);
        System.out.printf(Locale.ROOT, "total batch 2^19 = %d tokens; micro-batch %d x %d = %d tokens; "
                + "accumulation steps %d (= 2^19 / 2^11 = 2^8)%n", TOTAL_TOKENS, MICRO_BATCH, SEQ_LEN,
                MICRO_BATCH * SEQ_LEN, steps);

        Problem gpt = gpt(1);
        List<float[]> big = bigBatchGradient(gpt);
        System.out.printf(Locale.ROOT, "tiny GPT (%d parameters), batch of %d sequences of %d tokens; largest gradient "
                + "entry %.3e%n", gpt.model().parameterCount(), BATCH, TINY.contextLength(), maxAbs(big));
        int[] splits = {2, 4, 8};
        double[] xs = new double[splits.length];
        double[] gptDiff = new double[splits.length];
        double[] bnDiff = new double[splits.length];
        Problem mlp = batchNormMlp(2);
        List<float[]> bnBig = bigBatchGradient(mlp);
        for (int i = 0; i < splits.length; i++) {
            int n = splits[i];
            xs[i] = n;
            gptDiff[i] = maxAbsDiff(big, accumulatedGradient(gpt, n, equalShare(BATCH, n)));
            bnDiff[i] = maxAbsDiff(bnBig, accumulatedGradient(mlp, n, equalShare(16, n)));
            System.out.printf(Locale.ROOT, "  %d micro-batches of %d, loss / %d: max |difference| from the big batch %.2e;"
                            + " library accumulate %.2e; without the / %d: %.2e%n", n, BATCH / n, n, gptDiff[i],
                    maxAbsDiff(big, libraryAccumulatedGradient(gpt, n)), n,
                    maxAbsDiff(big, accumulatedGradient(gpt, n, 1f)));
        }
        System.out.printf(Locale.ROOT, "uneven micro-batches of 6 and 2 sequences: weights 1/2, 1/2 -> %.2e; "
                        + "weights 6/8, 2/8 -> %.2e%n", maxAbsDiff(big, unevenGradient(gpt, 6, 0.5f, 0.5f)),
                maxAbsDiff(big, unevenGradient(gpt, 6, MicroBatchWeights.of(6, BATCH - 6)[0],
                        MicroBatchWeights.of(6, BATCH - 6)[1])));
        System.out.printf(Locale.ROOT, "MLP with BatchNorm1d, batch of 16; largest gradient entry %.3e%n", maxAbs(bnBig));
        for (int i = 0; i < splits.length; i++) {
            System.out.printf(Locale.ROOT, "  %d micro-batches of %d, loss / %d: max |difference| from the big batch %.2e%n",
                    splits[i], 16 / splits[i], splits[i], bnDiff[i]);
        }

        Path folder = LessonFolder.of("19-gradient-accumulation");
        Plot.lines("Accumulated gradient vs one big batch", "micro-batches N",
                        "max |difference| from the big batch's gradient")
                .labelled("tiny GPT (LayerNorm)", xs, gptDiff, scientific(gptDiff))
                .labelled("MLP with BatchNorm1d", xs, bnDiff, scientific(bnDiff))
                .logX().logY()
                .save(folder.resolve("difference.png"));
        System.out.println("wrote difference.png in " + folder);
    }
}
