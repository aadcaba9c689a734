package dev.descent.lessons.transformers;

import dev.descent.core.Autograd;
import dev.descent.core.Functional;
import dev.descent.core.Reduction;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.Heatmap;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import dev.descent.nn.Module;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.layers.CausalSelfAttention;
import dev.descent.optim.Adam;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Lesson 24: transformers. Attention built from tensor operations and checked against descent's
 * CausalSelfAttention; then a tiny GPT learns a task that needs to know where each token is, which a bag of
 * tokens cannot learn.
 */
public final class Main {
    /** The task: sequences of VOCAB random tokens; at position t, output the token from LAG positions back. */
    static final int VOCAB = 8;
    static final int CONTEXT = 16;
    static final int LAG = 3;
    static final int WIDTH = 32;
    static final int BATCH = 16;
    static final int STEPS = 45;
    static final int IGNORE = -100;

    /** Random token sequences and their targets, x (B, T) and y (B, T) with y_t = x_{t−LAG} (ignored for t &lt; LAG). */
    static Tensor[] copyTask(Rng rng, int batch) {
        float[] x = new float[batch * CONTEXT];
        float[] y = new float[batch * CONTEXT];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(VOCAB);
        }
        for (int i = 0; i < y.length; i++) {
            int t = i % CONTEXT;
            y[i] = t < LAG ? IGNORE : x[i - LAG];
        }
        return new Tensor[] {Tensor.fromArray(x, batch, CONTEXT), Tensor.fromArray(y, batch, CONTEXT)};
    }

    static Tensor loss(Module model, Tensor[] batch) {
        return Functional.crossEntropy(model.forward(batch[0]), batch[1], Reduction.MEAN, IGNORE, 0f);
    }

    /** Fraction of positions t ≥ LAG where the most likely token is the right one. */
    @SuppressWarnings("try")
    static double accuracy(Module model, Tensor[] batch) {
        float[] logits;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            logits = model.forward(batch[0]).toArray();
        }
        float[] y = batch[1].toArray();
        int right = 0;
        int counted = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == IGNORE) {
                continue;
            }
            int best = 0;
            for (int c = 1; c < VOCAB; c++) {
                if (logits[i * VOCAB + c] > logits[i * VOCAB + best]) {
                    best = c;
                }
            }
            right += best == (int) y[i] ? 1 : 0;
            counted++;
        }
        return right / (double) counted;
    }

    static final int HEADS = 2;

    static GPT transformer(long seed) {
        return new GPT(new GPTConfig(VOCAB, CONTEXT, 1, HEADS, WIDTH, 0f, false), new Rng(seed));
    }

    static BagOfTokens bagOfTokens(long seed) {
        return new BagOfTokens(VOCAB, CONTEXT, WIDTH, new Rng(seed));
    }

    /** Trains on fresh random batches with Adam; returns the training loss of every step. */
    static double[] train(Module model, int steps, double lr, long seed) {
        Rng rng = new Rng(seed);
        Adam adam = new Adam(model.parameters()).lr(lr);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            adam.zeroGrad();
            Tensor loss = loss(model, copyTask(rng, BATCH));
            loss.backward();
            adam.step();
            losses[s] = loss.item();
        }
        return losses;
    }

    /** Both models after the same training, their losses, and their accuracy on 256 new sequences. */
    record Race(GPT gpt, BagOfTokens bag, double[] gptLosses, double[] bagLosses, double gptAccuracy,
                double bagAccuracy) {
    }

    static Race race() {
        GPT gpt = transformer(24);
        BagOfTokens bag = bagOfTokens(24);
        double[] gptLosses = train(gpt, STEPS, 1e-2, 1);
        double[] bagLosses = train(bag, STEPS, 1e-2, 1);
        Tensor[] test = copyTask(new Rng(99), 256);
        return new Race(gpt, bag, gptLosses, bagLosses, accuracy(gpt, test), accuracy(bag, test));
    }

    /**
     * For each head of the GPT's block, the average attention weight that query t puts on key t − LAG (t ≥ LAG),
     * recomputed from the weights by name: x = wte[ids] + wpe, h = ln1(x), q and k from the qkv projection.
     */
    @SuppressWarnings("try")
    static double[] weightOnLag(GPT gpt, Tensor ids, int heads) {
        float[][] weights = attentionWeights(gpt, ids, heads);
        double[] onLag = new double[heads];
        int b = ids.dim(0);
        for (int head = 0; head < heads; head++) {
            for (int n = 0; n < b; n++) {
                for (int t = LAG; t < CONTEXT; t++) {
                    onLag[head] += weights[head][(n * CONTEXT + t) * CONTEXT + t - LAG] / (b * (CONTEXT - LAG));
                }
            }
        }
        return onLag;
    }

    /**
     * The trained GPT's attention weights, recomputed from its parameters (found by name) for token ids (B, T):
     * for each head the (B, T, T) weights, flattened; row t of sequence n says how much query t takes from each key.
     */
    @SuppressWarnings("try")
    static float[][] attentionWeights(GPT gpt, Tensor ids, int heads) {
        var p = gpt.namedParameters();
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Tensor x = Functional.embedding(p.get("wte.weight"), ids)
                    .add(Functional.embedding(p.get("wpe.weight"), Tensor.arange(CONTEXT)));
            Tensor h = Functional.layerNorm(x, p.get("blocks.0.ln1.weight"), p.get("blocks.0.ln1.bias"), 1e-5f);
            Tensor qkv = h.matmul(p.get("blocks.0.attn.qkv.weight").transpose()).add(p.get("blocks.0.attn.qkv.bias"));
            int hs = WIDTH / heads;
            float[][] weights = new float[heads][];
            for (int head = 0; head < heads; head++) {
                Tensor q = qkv.slice(2, head * hs, (head + 1) * hs);
                Tensor k = qkv.slice(2, WIDTH + head * hs, WIDTH + (head + 1) * hs);
                weights[head] = Attention.weights(q, k).toArray();
            }
            return weights;
        }
    }

    /** Sequence n's (T, T) weights of one head, as rows. */
    static double[][] matrix(float[] weights, int n) {
        double[][] out = new double[CONTEXT][CONTEXT];
        for (int t = 0; t < CONTEXT; t++) {
            for (int s = 0; s < CONTEXT; s++) {
                out[t][s] = weights[(n * CONTEXT + t) * CONTEXT + s];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- attention from scratch versus nn

    /** The largest |a − b|. */
    static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /**
     * One input through nn's CausalSelfAttention and through {@link Attention} given its weights: the largest
     * difference of the outputs, of the outputs head by head, and of the gradients of sum(out²) with respect to
     * the input.
     */
    static double[] compareWithNn(int heads) {
        Rng rng = new Rng(5);
        CausalSelfAttention nn = new CausalSelfAttention(WIDTH, heads, 0f, rng);
        Tensor x = Tensor.randn(rng, 2, CONTEXT, WIDTH).requiresGrad(true);
        Tensor theirs = nn.forward(x);
        theirs.pow(2).sum().backward();
        float[] theirGrad = x.grad().toArray();
        x.zeroGrad();
        Tensor ours = Attention.multiHead(x, nn.qkv().weight(), nn.qkv().bias(), nn.proj().weight(), nn.proj().bias(),
                heads);
        ours.pow(2).sum().backward();
        Tensor oneAtATime = Attention.headByHead(x, nn.qkv().weight(), nn.qkv().bias(), nn.proj().weight(),
                nn.proj().bias(), heads);
        return new double[] {
            maxAbs(ours.toArray(), theirs.toArray()),
            maxAbs(oneAtATime.toArray(), ours.toArray()),
            maxAbs(x.grad().toArray(), theirGrad)};
    }

    public static void main(String[] args) {
        double[] agreement = compareWithNn(4);
        System.out.printf(Locale.ROOT, "attention from tensors vs nn CausalSelfAttention, 4 heads, x (2, %d, %d):%n"
                + "  max |output difference| %.2e, gradient w.r.t. x %.2e; heads one at a time vs reshape %.2e%n",
                CONTEXT, WIDTH, agreement[0], agreement[2], agreement[1]);
        Tensor q = Tensor.randn(new Rng(3), 1, 5, 8);
        Tensor k = Tensor.randn(new Rng(4), 1, 5, 8);
        System.out.println("  attention weights of one head, 5 positions (row t: how much query t takes from each key):");
        float[] w = Attention.weights(q, k).toArray();
        for (int t = 0; t < 5; t++) {
            StringBuilder row = new StringBuilder("   ");
            for (int s = 0; s < 5; s++) {
                row.append(String.format(Locale.ROOT, " %.3f", w[t * 5 + s]));
            }
            System.out.println(row);
        }

        Race r = race();
        System.out.printf(Locale.ROOT, "task: %d random tokens from %d, output the token %d positions back; %d Adam steps "
                + "of %d sequences%n", CONTEXT, VOCAB, LAG, STEPS, BATCH);
        System.out.printf(Locale.ROOT, "  1-layer GPT (%d parameters): final loss %.3f, accuracy on 256 new sequences "
                + "%.3f%n",
                r.gpt().parameterCount(), r.gptLosses()[STEPS - 1], r.gptAccuracy());
        System.out.printf(Locale.ROOT, "  bag of tokens (%d parameters): final loss %.3f, accuracy %.3f (chance %.3f)%n",
                r.bag().parameterCount(), r.bagLosses()[STEPS - 1], r.bagAccuracy(), 1.0 / VOCAB);
        double[] onLag = weightOnLag(r.gpt(), copyTask(new Rng(99), 256)[0], HEADS);
        System.out.printf(Locale.ROOT, "  the GPT's attention weight on position t-%d, averaged: head 0 %.3f, head 1 %.3f%n",
                LAG, onLag[0], onLag[1]);

        Path folder = LessonFolder.of("24-transformers");
        Plot.lines("Copy the token " + LAG + " positions back", "step", "training loss (nats)")
                .series("1-layer transformer", r.gptLosses()).series("bag of tokens", r.bagLosses())
                .save(folder.resolve("copy-task.png"));
        float[][] trained = attentionWeights(r.gpt(), copyTask(new Rng(99), 1)[0], HEADS);
        Heatmap.of("The trained GPT's attention on one new sequence: each query t looks at key t - " + LAG,
                        "query position t", "key position s")
                .panel("head 0", matrix(trained[0], 0)).panel("head 1", matrix(trained[1], 0))
                .save(folder.resolve("attention.png"));
        System.out.println("wrote copy-task.png and attention.png in " + folder);
    }
}
