package dev.descent.nn.hf;

import dev.descent.core.Shape;
import dev.descent.nn.gpt.GPTConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which tensor of descent's {@link dev.descent.nn.gpt.GPT} is which tensor of Hugging Face's GPT-2, in the state-dict
 * order both share. transformers' GPT-2 computes its four projections with {@code Conv1D}, y = x·W + b with W
 * stored (in, out): the transpose of descent's {@code Linear}, whose W is (out, in). Names are given without the
 * {@code transformer.} prefix that {@code GPT2LMHeadModel} adds (the original OpenAI files have none).
 * <pre>
 * wte.weight                 (V, C)      wte.weight
 * wpe.weight                 (T, C)      wpe.weight
 * blocks.i.ln1.weight/bias   (C)         h.i.ln_1.weight/bias
 * blocks.i.attn.qkv.weight   (3C, C)     h.i.attn.c_attn.weight  (C, 3C)     transposed
 * blocks.i.attn.qkv.bias     (3C)        h.i.attn.c_attn.bias
 * blocks.i.attn.proj.weight  (C, C)      h.i.attn.c_proj.weight  (C, C)      transposed
 * blocks.i.attn.proj.bias    (C)         h.i.attn.c_proj.bias
 * blocks.i.ln2.weight/bias   (C)         h.i.ln_2.weight/bias
 * blocks.i.mlp.fc.weight     (4C, C)     h.i.mlp.c_fc.weight     (C, 4C)     transposed
 * blocks.i.mlp.fc.bias       (4C)        h.i.mlp.c_fc.bias
 * blocks.i.mlp.proj.weight   (C, 4C)     h.i.mlp.c_proj.weight   (4C, C)     transposed
 * blocks.i.mlp.proj.bias     (C)         h.i.mlp.c_proj.bias
 * lnf.weight/bias            (C)         ln_f.weight/bias
 * </pre>
 */
public final class HfGpt2Layout {
    /** The prefix {@code GPT2LMHeadModel.save_pretrained} puts before every name of the base model. */
    public static final String PREFIX = "transformer.";
    /** The untied-looking head of {@code GPT2LMHeadModel}; when present it must equal wte. */
    public static final String LM_HEAD = "lm_head.weight";
    /** The causal-mask buffers older transformers versions saved: constants, not weights. */
    private static final Pattern MASK_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private HfGpt2Layout() {
    }

    /**
     * One tensor in both layouts.
     *
     * @param descent    descent's name
     * @param hf         the Hugging Face name, without {@link #PREFIX}
     * @param shape      descent's shape
     * @param transposed whether the Hugging Face tensor is the transpose of descent's (a Conv1D weight)
     */
    public record Pair(String descent, String hf, Shape shape, boolean transposed) {
        /** The Hugging Face shape: descent's, or its transpose for a Conv1D weight. */
        public Shape hfShape() {
            return transposed ? Shape.of(shape.dim(1), shape.dim(0)) : shape;
        }
    }

    /** Every tensor of a GPT of this configuration, in state-dict order. */
    public static List<Pair> pairs(GPTConfig config) {
        int c = config.width();
        List<Pair> pairs = new ArrayList<>();
        pairs.add(new Pair("wte.weight", "wte.weight", Shape.of(config.vocabSize(), c), false));
        pairs.add(new Pair("wpe.weight", "wpe.weight", Shape.of(config.contextLength(), c), false));
        for (int i = 0; i < config.layers(); i++) {
            String d = "blocks." + i + ".";
            String h = "h." + i + ".";
            layerNorm(pairs, d + "ln1", h + "ln_1", c);
            linear(pairs, d + "attn.qkv", h + "attn.c_attn", c, 3 * c);
            linear(pairs, d + "attn.proj", h + "attn.c_proj", c, c);
            layerNorm(pairs, d + "ln2", h + "ln_2", c);
            linear(pairs, d + "mlp.fc", h + "mlp.c_fc", c, 4 * c);
            linear(pairs, d + "mlp.proj", h + "mlp.c_proj", 4 * c, c);
        }
        layerNorm(pairs, "lnf", "ln_f", c);
        return pairs;
    }

    private static void layerNorm(List<Pair> pairs, String descent, String hf, int c) {
        pairs.add(new Pair(descent + ".weight", hf + ".weight", Shape.of(c), false));
        pairs.add(new Pair(descent + ".bias", hf + ".bias", Shape.of(c), false));
    }

    /** A Linear in → out: descent's W (out, in), the Conv1D's (in, out). */
    private static void linear(List<Pair> pairs, String descent, String hf, int in, int out) {
        pairs.add(new Pair(descent + ".weight", hf + ".weight", Shape.of(out, in), true));
        pairs.add(new Pair(descent + ".bias", hf + ".bias", Shape.of(out), false));
    }

    /** Whether {@code hf} (without prefix) is one of the causal-mask buffers an import skips. */
    public static boolean isMaskBuffer(String hf) {
        return MASK_BUFFER.matcher(hf).matches();
    }

    /** {@code a (rows, cols)} row-major -> its transpose {@code (cols, rows)}. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = a[r * cols + col];
            }
        }
        return t;
    }
}
