package dev.descent.train.plan;

import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;

/**
 * The arithmetic of training a GPT: floating-point operations per token, forward and backward.
 *
 * <p>PaLM's appendix B (Chowdhery et al., 2022) counts the model FLOPs of a token as
 * <pre>
 *   6N + 12·L·H·Q·T      N parameters, L layers, H heads of size Q (H·Q = C, the width), T the sequence length
 * </pre>
 * 6N is one multiply-add (2 FLOPs) per weight forward and two backward (the gradients of the input and of the
 * weight); 12·L·C·T is attention's two products, q·kᵀ and p·v, at 2·C·T each per token and layer forward, times 3
 * with backward. Under the causal mask a query meets (T + 1)/2 keys on average, not T, so, as llm.c does, descent
 * counts the half that is computed:
 * <pre>
 *   FLOPs per token = 6N + 6·L·C·T
 * </pre>
 * Chinchilla's appendix F (Hoffmann et al., 2022) counts the same matmuls term by term. N includes the parameters no
 * matmul uses (position embeddings, biases, LayerNorm), an over-count of 0.7% for GPT-2 124M; the elementwise work
 * (softmax, GELU, LayerNorm, AdamW) is not counted: MFU measures how close training comes to the matmuls alone.
 */
public final class Flops {
    private Flops() {
    }

    /** 6N + 6·L·C·T: training FLOPs per token of a GPT with {@code parameters} parameters. */
    public static double perToken(long parameters, int layers, int width, int seqLen) {
        return 6.0 * parameters + 6.0 * layers * width * seqLen;
    }

    /** 6N + 6·L·C·T for {@code model} trained on sequences of {@code seqLen} tokens. */
    public static double perToken(GPTConfig model, int seqLen) {
        return perToken(GPT.parameterCount(model), model.layers(), model.width(), seqLen);
    }
}
