package dev.descent.nn.layers;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.Stochastic;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are scaled by
 * 1/(1 − p), so the expected output equals the input; in evaluation it is the identity. The masks are drawn
 * from the generator given at construction.
 */
public final class Dropout extends Module implements Stochastic {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    /** (..) -> (..) */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), rng);
    }

    /** The probability of zeroing an element in training. */
    public float p() {
        return p;
    }

    @Override
    public Rng rng() {
        return rng;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
