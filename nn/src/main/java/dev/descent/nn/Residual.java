package dev.descent.nn;

import dev.descent.core.Tensor;

/** A skip connection around a module: y = x + f(x). The wrapped module's parameter names are unchanged. */
public final class Residual extends Module {
    private final Module f;

    public Residual(Module f) {
        this.f = wrap(f);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.add(f.forward(x));
    }
}
