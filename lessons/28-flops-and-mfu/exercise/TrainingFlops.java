package dev.descent.lessons.flops;

import dev.descent.lessons.Exercise;
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
        throw Exercise.todo("28", "the training FLOPs per token, TrainingFlops.perToken");
    }
}
