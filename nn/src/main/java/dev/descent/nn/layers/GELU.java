package dev.descent.nn.layers;

import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import java.util.Locale;

/**
 * The Gaussian error linear unit, elementwise: exactly y = x·Φ(x) (PyTorch's default), or GPT-2's tanh
 * approximation y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
public final class GELU extends Module {
    /** Which form to compute, named as PyTorch's {@code approximate} argument. */
    public enum Approximate {
        /** x·Φ(x) with the error function. */
        NONE,
        /** The tanh approximation GPT-2 was trained with. */
        TANH
    }

    private final Approximate approximate;

    /** The exact form. */
    public GELU() {
        this(Approximate.NONE);
    }

    public GELU(Approximate approximate) {
        this.approximate = approximate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return approximate == Approximate.TANH ? x.gelu() : x.geluExact();
    }

    @Override
    protected String extraRepr() {
        return "approximate=" + approximate.name().toLowerCase(Locale.ROOT);
    }
}
