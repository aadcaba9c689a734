package dev.descent.lessons.reversiblelayers;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.Sequential;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Tanh;
import java.util.List;

/**
 * One reversible residual block (RevNet's additive coupling). The channels are split into halves x = (x₁, x₂):
 * <pre>
 * forward:  y₁ = x₁ + F(x₂)          inverse:  x₂ = y₂ − G(y₁)
 *           y₂ = x₂ + G(y₁)                    x₁ = y₁ − F(x₂)
 * </pre>
 * The inverse undoes the forward in reverse order, whatever F and G are: they never need to be inverted
 * themselves, only evaluated again. Here each is a small MLP, half → hidden → half with tanh.
 * {@code (N, 2·half) -> (N, 2·half)}.
 */
final class Coupling extends Module {
    private final int half;
    private final Module f;
    private final Module g;

    Coupling(int half, int hidden, Rng rng) {
        this.half = half;
        this.f = module("f", mlp(half, hidden, rng));
        this.g = module("g", mlp(half, hidden, rng));
    }

    private static Module mlp(int half, int hidden, Rng rng) {
        return new Sequential(new Linear(half, hidden, rng), new Tanh(), new Linear(hidden, half, rng));
    }

    /** (x₁, x₂) -> (y₁, y₂), recorded by autograd like any module: an ordinary residual computation. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor[] y = couple(first(x), second(x));
        return Tensor.concat(List.of(y[0], y[1]), -1);
    }

    /** y₁ = x₁ + F(x₂), y₂ = x₂ + G(y₁). */
    Tensor[] couple(Tensor x1, Tensor x2) {
        Tensor y1 = x1.add(f.forward(x2));
        return new Tensor[] {y1, x2.add(g.forward(y1))};
    }

    /** x₂ = y₂ − G(y₁), x₁ = y₁ − F(x₂): the input, recomputed from the output ({@link Inverse}). */
    Tensor[] invert(Tensor y1, Tensor y2) {
        return Inverse.ofCoupling(f, g, y1, y2);
    }

    Module f() {
        return f;
    }

    Module g() {
        return g;
    }

    /** The first half of the channels, (N, 2·half) -> (N, half). */
    Tensor first(Tensor x) {
        return x.slice(-1, 0, half);
    }

    /** The second half of the channels. */
    Tensor second(Tensor x) {
        return x.slice(-1, half, 2 * half);
    }
}
