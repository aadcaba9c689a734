package dev.descent.nn.gpt;

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
}
