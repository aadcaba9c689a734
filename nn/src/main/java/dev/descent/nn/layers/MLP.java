package dev.descent.nn.layers;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;

/**
 * The transformer's position-wise feed-forward network: {@code (.., C) -> (.., C)},
 * y = dropout(proj(gelu(fc(x)))), with a hidden width (4C in GPT-2) and GPT-2's tanh GELU. The forward pass runs
 * fc, GELU and proj as one op ({@link Functional#geluMlp}) that keeps the (.., hidden) pre-activation only and
 * recomputes GELU in backward; {@link #forward(Tensor, boolean)} with {@code fused = false} runs the three layers.
 */
public final class MLP extends Module {
    private final Linear fc;
    private final GELU gelu;
    private final Linear proj;
    private final Dropout dropout;

    public MLP(int width, int hidden, float dropout, Rng rng) {
        this.fc = module("fc", new Linear(width, hidden, rng));
        this.gelu = module("gelu", new GELU(GELU.Approximate.TANH));
        this.proj = module("proj", new Linear(hidden, width, rng));
        this.dropout = module("dropout", new Dropout(dropout, rng));
    }

    /** (.., C) -> (.., C) */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, true);
    }

    /** (.., C) -> (.., C), as one fused op or as the composition of the three layers: equal outputs and gradients. */
    public Tensor forward(Tensor x, boolean fused) {
        Tensor y = fused ? Functional.geluMlp(x, fc.weight(), fc.bias(), proj.weight(), proj.bias())
                : proj.forward(gelu.forward(fc.forward(x)));
        return dropout.forward(y);
    }

    /** The expansion C -> hidden. */
    public Linear fc() {
        return fc;
    }

    /** The projection hidden -> C back into the residual stream. */
    public Linear proj() {
        return proj;
    }
}
