package dev.descent.lessons.flops;

import dev.descent.nn.gpt.GPTConfig;

/**
 * Exercise 28: the FLOPs one token costs in a training step, from the matmul shapes. Forward: 2 FLOPs per weight
 * of every matmul (per block 12C², and the tied classifier C·V), plus attention's q·kᵀ and p·v at 2·T·C each per
 * block, half of it useful under the causal mask. Backward: twice the forward.
 */
final class TrainingFlops {
    private TrainingFlops() {
    }

    /** Training FLOPs per token of a GPT with the given shape at sequence length t. */
    static double perToken(GPTConfig m, int t) {
        double c = m.width();
        double matmulWeights = m.layers() * 12 * c * c + c * m.vocabSize();
        double attention = m.layers() * (2 * t * c + 2 * t * c) / 2;
        return 3 * (2 * matmulWeights + attention);
    }
}
