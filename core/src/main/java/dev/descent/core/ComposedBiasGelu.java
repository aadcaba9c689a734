package dev.descent.core;

import static dev.descent.core.BinaryOp.ADD;
import static dev.descent.core.BinaryOp.MUL;
import static dev.descent.core.UnaryOp.GELU_TANH;
import static dev.descent.core.UnaryOp.GELU_TANH_GRAD;

/**
 * {@link Backend#biasGelu} and its backward written with primitives, for {@code h (.., N)} and {@code bias (N)}: the
 * default of every backend and the oracle of the fused versions.
 */
final class ComposedBiasGelu {
    private ComposedBiasGelu() {
    }

    /** y = gelu(h + b). */
    static Tensor forward(Backend b, Tensor h, Tensor bias) {
        try (MemoryScope temps = b.scope()) {
            Tensor y = b.unary(GELU_TANH, b.binary(ADD, h, bias));
            temps.keep(y);
            return y;
        }
    }

    /** du = dy ⊙ gelu'(h + b). */
    static Tensor backward(Backend b, Tensor dy, Tensor h, Tensor bias) {
        try (MemoryScope temps = b.scope()) {
            Tensor du = b.binary(MUL, dy, b.unary(GELU_TANH_GRAD, b.binary(ADD, h, bias)));
            temps.keep(du);
            return du;
        }
    }
}
