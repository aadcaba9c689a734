package dev.descent.lessons.gpumemory;

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
}
