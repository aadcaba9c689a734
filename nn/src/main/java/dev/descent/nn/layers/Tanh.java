package dev.descent.nn.layers;

import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/** y = tanh x, elementwise. */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
