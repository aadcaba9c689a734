package dev.descent.lessons.autoregressivemodels;

import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;

/**
 * Exercise 23: the causal mask. The prediction at position t may use the tokens at positions 0..t only; the
 * attention scores of query t against keys s &gt; t are set to −∞ before the softmax, where this mask is 1.
 */
final class CausalMask {
    private CausalMask() {
    }

    /**
     * (T, T), row t = query position, column s = key position: 1 where s is after t, 0 elsewhere. (Hint: compare
     * {@code Tensor.arange(t)} laid out as a row with itself laid out as a column, with {@code backend.binary}.)
     */
    static Tensor future(int t, Backend backend) {
        Tensor positions = Tensor.arange(t);
        return backend.binary(BinaryOp.GT, positions.reshape(1, t), positions.reshape(t, 1));
    }
}
