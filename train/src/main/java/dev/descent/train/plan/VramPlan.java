package dev.descent.train.plan;

import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The device-memory bill of training a GPT in fp32 with AdamW, computed from its shape before anything is allocated.
 *
 * <p>Memory comes in three phases. The parameters, their gradients and AdamW's two moments are held for the whole
 * run ({@link Phase#ALWAYS}). A micro-step ({@link Phase#MICRO_STEP}) adds its activations and, at the peak of
 * backward, a few gradient temporaries; they are released when the micro-step ends. The optimizer step
 * ({@link Phase#OPTIMIZER_STEP}) updates in place: AdamW is one fused pass over θ, g, m, v that also raises one flag
 * when it writes a non-finite value, and the gradient norm (the clipping) is a fused sum of squares, which on a GPU
 * keeps one partial sum per {@value #SUM_CHUNK} elements of each gradient. The total is ALWAYS + max(MICRO_STEP, OPTIMIZER_STEP).
 *
 * <p>Two layouts are priced. {@link Layout#FITTED} is what descent does, item by item (a test checks the figure
 * against the memory a short training run measures): fused causal attention keeps one log-sum-exp per row instead
 * of T×T scores, the fused classifier turns the logits into dlogits in the same buffer, backward frees each
 * activation gradient as soon as it has been used (so its peak is at the classifier, the first op it meets), and
 * AdamW makes no temporaries. {@link Layout#KEEP_ALL} is the naive first estimate: every
 * activation and a gradient for each, the attention scores and probabilities, logits and probabilities.
 */
public final class VramPlan {
    private static final long FLOAT = 4;
    /** Gradient elements per partial sum of squares on a GPU ({@code MULTI_CHUNK} of the CUDA backend's optim.cu). */
    static final int SUM_CHUNK = 4096;

    /** How activations and their gradients are kept. */
    public enum Layout {
        KEEP_ALL, FITTED
    }

    /** When an item is held. */
    public enum Phase {
        ALWAYS, MICRO_STEP, OPTIMIZER_STEP
    }

    /** One line of the bill. */
    public record Item(String name, Phase phase, long bytes) {
    }

    /** A micro-batch's shape: {@code batch} sequences of {@code seqLen} tokens. */
    public record MicroBatch(int batch, int seqLen) {
    }

    private final List<Item> items = new ArrayList<>();
    private final Layout layout;
    /** The dlogits buffer, B·T·V floats, in bytes: what the default GPU matmul copies transposed. */
    private final long logitsBytes;

    private VramPlan(Layout layout, long logitsBytes) {
        this.layout = layout;
        this.logitsBytes = logitsBytes;
    }

    /** Prices training {@code model} with AdamW at micro-batch {@code batch} × {@code seqLen}. */
    public static VramPlan of(GPTConfig model, int batch, int seqLen, Layout layout) {
        VramPlan plan = new VramPlan(layout, FLOAT * batch * seqLen * model.vocabSize());
        int layers = model.layers();
        long heads = model.heads();
        long vocab = model.vocabSize();
        long c = model.width();
        long t = seqLen;
        long bt = batch * t;
        long params = GPT.parameterCount(model);
        plan.add("parameters", Phase.ALWAYS, params);
        plan.add("gradients", Phase.ALWAYS, params);
        plan.add("AdamW moments m and v", Phase.ALWAYS, 2 * params);

        plan.add("token ids and targets (2·B·T)", Phase.MICRO_STEP, 2 * bt);
        plan.add("embeddings: wte rows, wpe rows, their sum (2·B·T·C + T·C)", Phase.MICRO_STEP, 2 * bt * c + t * c);
        // Per block and token: ln1 (C + mean, rstd) + qkv 3C + attention out C + proj C + residual C
        // + ln2 (C + 2) + fc 4C + gelu 4C + proj C + residual C = 18C + 4. The fused MLP keeps fc's pre-activation only
        // and recomputes GELU in backward: 14C + 4.
        long perBlock = layout == Layout.KEEP_ALL ? bt * (18 * c + 4) : bt * (14 * c + 4);
        plan.add(layout == Layout.KEEP_ALL
                ? layers + " blocks: 18C + 4 per token each (ln1, qkv, attention, proj, residual, ln2, fc, gelu, proj, "
                        + "residual)"
                : layers + " blocks: 14C + 4 per token each (ln1, qkv, attention, proj, residual, ln2, fc, proj, "
                        + "residual)", Phase.MICRO_STEP, layers * perBlock);
        long scores = batch * heads * t * t;
        if (layout == Layout.KEEP_ALL) {
            plan.add("attention scores and probabilities (B·heads·T·T, twice)", Phase.MICRO_STEP, 2 * layers * scores);
        } else {
            plan.add("attention log-sum-exp per row (B·heads·T)", Phase.MICRO_STEP, layers * batch * heads * t);
        }
        plan.add("final layer norm (B·T·(C + 2))", Phase.MICRO_STEP, bt * (c + 2));
        long logits = bt * vocab;
        if (layout == Layout.KEEP_ALL) {
            plan.add("logits and probabilities (B·T·V, twice)", Phase.MICRO_STEP, 2 * logits);
            plan.add("a gradient for every activation", Phase.MICRO_STEP,
                    2 * bt * c + t * c + layers * (perBlock + 2 * scores) + bt * (c + 2) + logits);
        } else {
            plan.add("logits, overwritten by dlogits (B·T·V)", Phase.MICRO_STEP, logits);
            // At the classifier: a V·C weight-gradient temporary, dx and s·x. In a block's fused MLP, after the logits
            // are freed: the residual stream's gradient and the MLP output's (C each), then either the gradient da
            // from the projection and du = da ⊙ gelu' (4C each) beside dW2 and db2, or du, dx (C) and both weight
            // gradients with their biases', all but dx temporaries until the op's backward returns. With one
            // micro-batch a step, GPT-2 124M at B4 T64 on the CPU held 0.976 of this plan while the tied table's
            // lookup gradient was a V·C temporary at backward's end (as on the CUDA backend still), 0.911 since the
            // CPU adds the ids' rows into the table's gradient in place (docs/PERFORMANCE.md).
            long classifier = vocab * c + 2 * bt * c;
            long mlp = Math.max(10 * bt * c + 4 * c * c + c, 7 * bt * c + 8 * c * c + 5 * c) - logits;
            plan.add("backward's peak: classifier V·C + 2BTC, or MLP max(10BTC + 4C² + C, 7BTC + 8C² + 5C) − BTV",
                    Phase.MICRO_STEP, Math.max(classifier, mlp));
        }
        // AdamW is one fused pass that writes θ, m and v in place (no temporaries) and one flag, set when it wrote a
        // non-finite value. The gradient norm sums squares without a squared copy: on a GPU one partial sum per chunk
        // of each gradient (a tensor's last chunk may be short: up to one more per tensor, which this leaves out)
        plan.add("gradient norm's partial sums, one per " + SUM_CHUNK + " elements; fused AdamW in place, a flag",
                Phase.OPTIMIZER_STEP, (params + SUM_CHUNK - 1) / SUM_CHUNK + 1);
        return plan;
    }

    private void add(String name, Phase phase, long floats) {
        items.add(new Item(name, phase, floats * FLOAT));
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    public Layout layout() {
        return layout;
    }

    /** Bytes of the items of one phase. */
    public long bytes(Phase phase) {
        return items.stream().filter(i -> i.phase() == phase).mapToLong(Item::bytes).sum();
    }

    /** The peak: what is always held plus the larger of a micro-step's and the optimizer step's working sets. */
    public long totalBytes() {
        return bytes(Phase.ALWAYS) + Math.max(bytes(Phase.MICRO_STEP), bytes(Phase.OPTIMIZER_STEP));
    }

    public boolean fits(long cardBytes) {
        return totalBytes() <= cardBytes;
    }

    /**
     * The most a GPU's caching allocator holds for this plan: the total, plus the transposed copy of dlogits
     * (B·T·V floats) that the default hand-written matmul kernels make in the classifier's backward, every block
     * rounded up to its size class (at most 1/8 more). What a card must have for the run to fit.
     */
    public long deviceBytes() {
        return (totalBytes() + logitsBytes) * 9 / 8;
    }

    /**
     * The micro-batch the planner chooses for training {@code model} on a card of {@code cardBytes}: the most tokens
     * B·T whose FITTED plan's {@link #deviceBytes()} fit, over B = 1, 2, 4 .. 64 sequences and T = the context, half
     * of it, a quarter .. down to 64 tokens (or the context, when shorter); between equal token counts, the longer
     * sequence, the context the model learned with. Refuses when not even one shortest sequence fits.
     */
    public static MicroBatch largestFitting(GPTConfig model, long cardBytes) {
        MicroBatch best = null;
        int shortest = Math.min(64, model.contextLength());
        for (int t = model.contextLength(); t >= shortest; t /= 2) {
            for (int b = 1; b <= 64; b *= 2) {
                boolean more = best == null || (long) b * t > (long) best.batch() * best.seqLen();
                if (more && of(model, b, t, Layout.FITTED).deviceBytes() <= cardBytes) {
                    best = new MicroBatch(b, t);
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "not even one sequence of %d tokens fits "
                    + "%.2f GiB when training this model (%,d parameters)", shortest, cardBytes / 1073741824.0,
                    GPT.parameterCount(model)));
        }
        return best;
    }

    /** A table of the bill in MiB by phase, the peak, and whether it fits {@code cardBytes}. */
    public String render(long cardBytes) {
        return render(cardBytes, String.format(Locale.ROOT, "a %.1f GiB card", cardBytes / 1073741824.0));
    }

    /** The same table, the verdict naming what holds the {@code bytes} ("a 8.0 GiB card"). */
    public String render(long bytes, String holder) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "layout %s%n", layout));
        for (Phase phase : Phase.values()) {
            sb.append(String.format(Locale.ROOT, "  %s (%.1f MiB)%n", phase, bytes(phase) / 1048576.0));
            for (Item item : items) {
                if (item.phase() == phase) {
                    sb.append(String.format(Locale.ROOT, "    %-100s %10.1f MiB%n", item.name(), item.bytes() / 1048576.0));
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "  %-102s %10.1f MiB = %.2f GiB -> %s %s%n",
                "peak = ALWAYS + max(MICRO_STEP, OPTIMIZER_STEP)", totalBytes() / 1048576.0, totalBytes() / 1073741824.0,
                fits(bytes) ? "fits" : "does NOT fit", holder));
        return sb.toString();
    }
}
