package dev.descent.lessons.residualnetworks;

import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/**
 * Exercise 17: a residual block, y = x + f(x). Its backward is what makes deep stacks trainable: ∂y/∂x = I + ∂f/∂x,
 * so the upstream gradient reaches x whole, whatever the branch f does to it. (descent's own is nn's
 * {@code Residual}; this is the lesson's.)
 */
final class SkipConnection extends Module {
    private final Module f;

    SkipConnection(Module f) {
        this.f = wrap(f);
    }

    /** x (N, W) -> x + f(x) (N, W). */
    @Override
    public Tensor forward(Tensor x) {
        return x.add(f.forward(x));
    }
}
