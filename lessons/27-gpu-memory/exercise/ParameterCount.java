package dev.descent.lessons.gpumemory;

import dev.descent.lessons.Exercise;
import dev.descent.nn.gpt.GPTConfig;

/**
 * Exercise 27: GPT-2's parameters counted from the weight shapes, the first line of the memory bill. Vocabulary V,
 * context T, width C, L blocks; each block holds two LayerNorms (γ and β of C each), the qkv projection (weight
 * (3C, C) and bias), the attention's output projection (C, C) with bias, and the MLP's (4C, C) and (C, 4C)
 * layers with biases; a final LayerNorm ends the model, and the classifier reuses the token embedding.
 */
final class ParameterCount {
    private ParameterCount() {
    }

    /** The number of parameters: the token embedding (V, C), the position embedding (T, C), the blocks, lnf. */
    static long of(GPTConfig m) {
        throw Exercise.todo("27", "GPT-2's parameter count, ParameterCount.of");
    }
}
