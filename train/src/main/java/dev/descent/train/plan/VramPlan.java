package dev.descent.train.plan;

import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The device-memory bill of training a GPT in fp32, computed from its shape before anything is allocated.
 *
 * <p>Two layouts are priced. {@link Layout#KEEP_ALL} keeps every activation of the forward pass and a gradient
 * for each of them, and stores the T×T attention scores and probabilities (what a plain autograd graph does).
 * {@link Layout#FITTED} is the layout that lets GPT-2 124M train at micro-batch 2×1024 on an 8 GiB card: the
 * activation gradients reuse a few per-layer buffers, attention keeps only its output and one log-sum-exp per
 * row (the scores are recomputed in backward), and the classifier is fused so the probabilities are never
 * stored and dlogits overwrite the logits.
 */
public final class VramPlan {
    private static final long FLOAT = 4;

    /** How activations and their gradients are kept. */
    public enum Layout {
        KEEP_ALL, FITTED
    }

    /** One line of the bill. */
    public record Item(String name, long bytes) {
    }

    private final List<Item> items = new ArrayList<>();
    private final Layout layout;

    private VramPlan(Layout layout) {
        this.layout = layout;
    }

    /** Prices training {@code model} with AdamW at micro-batch {@code batch} × {@code seqLen}. */
    public static VramPlan of(GPTConfig model, int batch, int seqLen, Layout layout) {
        VramPlan plan = new VramPlan(layout);
        int layers = model.layers();
        int heads = model.heads();
        long vocab = model.vocabSize();
        long c = model.width();
        long bt = (long) batch * seqLen;
        long params = GPT.parameterCount(model);
        plan.add("parameters", params * FLOAT);
        plan.add("gradients", params * FLOAT);
        plan.add("AdamW moments m and v", 2 * params * FLOAT);

        // Per block: ln1 out (C) + qkv (3C) + attention out (C) + attn proj (C) + residual (C) + ln2 out (C)
        // + fc (4C) + gelu (4C) + fc proj (C) + residual (C) = 18C per token, plus 4 layer-norm statistics.
        long perBlock = bt * (18 * c + 4);
        long scores = (long) batch * heads * seqLen * seqLen;
        long attention = layout == Layout.KEEP_ALL ? 2 * scores : (long) batch * heads * seqLen;
        plan.add("activations: embeddings + " + layers + " blocks", (bt * c + layers * perBlock) * FLOAT);
        plan.add(layout == Layout.KEEP_ALL ? "attention scores and probabilities (B·heads·T·T, twice)"
                : "attention log-sum-exp per row (B·heads·T)", layers * attention * FLOAT);
        plan.add("final layer norm", bt * (c + 2) * FLOAT);
        long logits = bt * vocab;
        plan.add(layout == Layout.KEEP_ALL ? "logits and probabilities (B·T·V, twice)"
                : "logits, overwritten by dlogits (B·T·V)", (layout == Layout.KEEP_ALL ? 2 : 1) * logits * FLOAT);
        if (layout == Layout.KEEP_ALL) {
            plan.add("a gradient for every activation", (bt * c + layers * (perBlock + 2 * scores) + bt * (c + 2)
                    + logits) * FLOAT);
        } else {
            plan.add("activation-gradient buffers reused across layers (residual, 4C hidden, qkv)",
                    bt * (2 * c + 4 * c + 3 * c) * FLOAT);
        }
        plan.add("workspace (matmul and reduction scratch)", 32L << 20);
        return plan;
    }

    private void add(String name, long bytes) {
        items.add(new Item(name, bytes));
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    public Layout layout() {
        return layout;
    }

    public long totalBytes() {
        return items.stream().mapToLong(Item::bytes).sum();
    }

    public boolean fits(long cardBytes) {
        return totalBytes() <= cardBytes;
    }

    /** A table of the bill in MiB with the total, and whether it fits {@code cardBytes}. */
    public String render(long cardBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "layout %s%n", layout));
        for (Item item : items) {
            sb.append(String.format(Locale.ROOT, "  %-78s %10.1f MiB%n", item.name(), item.bytes() / 1048576.0));
        }
        sb.append(String.format(Locale.ROOT, "  %-78s %10.1f MiB = %.2f GiB -> %s a %.1f GiB card%n", "total",
                totalBytes() / 1048576.0, totalBytes() / 1073741824.0, fits(cardBytes) ? "fits" : "does NOT fit",
                cardBytes / 1073741824.0));
        return sb.toString();
    }
}
