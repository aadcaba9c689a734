package dev.descent.nn.gpt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a {@link GPT}.
 *
 * @param vocabSize             rows of the token embedding and columns of the logits (may be padded, e.g. 50304)
 * @param contextLength         the longest sequence the position embedding covers
 * @param layers                transformer blocks
 * @param heads                 attention heads per block; must divide width
 * @param width                 channels C of the residual stream
 * @param dropout               dropout probability after the embeddings, on attention weights and on each
 *                              residual branch
 * @param gradientCheckpointing recompute each block's activations in backward instead of keeping them
 */
public record GPTConfig(int vocabSize, int contextLength, int layers, int heads, int width, float dropout,
                        boolean gradientCheckpointing) {
    /** The keys of {@link #shapeMetadata()}, in its order. */
    private static final String[] SHAPE_KEYS = {"vocab", "context", "layers", "heads", "width"};

    public GPTConfig {
        if (vocabSize <= 0 || contextLength <= 0 || layers <= 0 || heads <= 0 || width <= 0) {
            throw new IllegalArgumentException("GPTConfig: sizes must be positive, got " + this);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("GPTConfig: width " + width + " is not divisible by " + heads + " heads");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("GPTConfig: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** GPT-2 small (124M): vocabulary 50257, context 1024, 12 layers, 12 heads, width 768, no dropout. */
    public static GPTConfig gpt2Small() {
        return new GPTConfig(50257, 1024, 12, 12, 768, 0f, false);
    }

    /** The same model with another vocabulary size. */
    public GPTConfig withVocabSize(int size) {
        return new GPTConfig(size, contextLength, layers, heads, width, dropout, gradientCheckpointing);
    }

    /** The vocabulary rounded up to a multiple (64 turns 50257 into 50304, friendlier to matmul kernels). */
    public GPTConfig withVocabPaddedTo(int multiple) {
        return withVocabSize((vocabSize + multiple - 1) / multiple * multiple);
    }

    public GPTConfig withDropout(float p) {
        return new GPTConfig(vocabSize, contextLength, layers, heads, width, p, gradientCheckpointing);
    }

    public GPTConfig withGradientCheckpointing(boolean on) {
        return new GPTConfig(vocabSize, contextLength, layers, heads, width, dropout, on);
    }

    /**
     * The model's shape as string metadata: vocab, context, layers, heads and width (the keys a trainer checkpoint's
     * identity uses too). Stored in a checkpoint's {@code model.safetensors}, it makes the weights self-describing.
     */
    public Map<String, String> shapeMetadata() {
        int[] values = {vocabSize, contextLength, layers, heads, width};
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < SHAPE_KEYS.length; i++) {
            m.put(SHAPE_KEYS[i], String.valueOf(values[i]));
        }
        return m;
    }

    /**
     * The configuration (no dropout, no checkpointing) whose {@link #shapeMetadata()} is in {@code metadata}, or
     * null when none of its keys are there; an IllegalArgumentException naming {@code source} and the key when
     * some are missing or not whole numbers, or naming {@code source} when the shape is impossible.
     */
    public static GPTConfig fromShapeMetadata(Map<String, String> metadata, String source) {
        int[] values = new int[SHAPE_KEYS.length];
        int present = 0;
        for (int i = 0; i < SHAPE_KEYS.length; i++) {
            String value = metadata.get(SHAPE_KEYS[i]);
            if (value != null) {
                present++;
                try {
                    values[i] = Integer.parseInt(value.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + ": model shape '" + SHAPE_KEYS[i] + "' is '" + value
                            + "', not a whole number");
                }
            }
        }
        if (present == 0) {
            return null;
        }
        if (present < SHAPE_KEYS.length) {
            throw new IllegalArgumentException(source + ": the model shape needs all of " + String.join(", ", SHAPE_KEYS)
                    + ", got " + metadata);
        }
        try {
            return new GPTConfig(values[0], values[1], values[2], values[3], values[4], 0f, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
