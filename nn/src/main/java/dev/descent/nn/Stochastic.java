package dev.descent.nn;

import dev.descent.core.Rng;

/**
 * A module whose forward pass draws from a generator (dropout). {@link GradientCheckpoint} rewinds these generators
 * when it recomputes a forward pass, so the recomputation draws the same numbers.
 */
public interface Stochastic {
    /** The generator the forward pass draws from. */
    Rng rng();
}
