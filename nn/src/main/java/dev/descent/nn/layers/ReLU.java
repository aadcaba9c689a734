package dev.descent.nn.layers;

import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/** y = max(x, 0), elementwise. */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
