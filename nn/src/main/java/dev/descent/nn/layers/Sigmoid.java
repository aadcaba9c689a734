package dev.descent.nn.layers;

import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/** y = 1 / (1 + e^−x), elementwise. */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
