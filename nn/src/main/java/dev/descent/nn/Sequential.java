package dev.descent.nn;

import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Modules applied one after another: y = fₙ(..f₁(f₀(x))). Children are named {@code 0, 1, ..}. */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    public Sequential(List<? extends Module> layers) {
        for (Module layer : layers) {
            this.layers.add(module(Integer.toString(this.layers.size()), layer));
        }
    }

    /** The i-th module. */
    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module layer : layers) {
            y = layer.forward(y);
        }
        return y;
    }
}
