package dev.descent.nn.layers;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.Init;
import dev.descent.nn.Module;

/**
 * A lookup table: ids {@code (..)} -> rows of {@code weight (V, C)}, giving {@code (.., C)}. The ids are a float
 * tensor holding integers in [0, V) (descent has one dtype, float32, exact for integers up to 2^24).
 */
public final class Embedding extends Module {
    private final Tensor weight;

    /** PyTorch's default initialisation: N(0, 1). */
    public Embedding(int count, int dim, Rng rng) {
        this(Init.normal(rng, 0f, 1f, count, dim));
    }

    /** A table with the given initial values {@code (V, C)}. */
    public Embedding(Tensor weight) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("Embedding: needs a weight (V, C), got " + weight.shape());
        }
        this.weight = parameter("weight", weight);
    }

    /** ids (..) -> (.., C) */
    @Override
    public Tensor forward(Tensor ids) {
        // y[..] = W[ids[..]]
        return Functional.embedding(weight, ids);
    }

    /** The table, shape (V, C). */
    public Tensor weight() {
        return weight;
    }

    @Override
    protected String extraRepr() {
        return weight.dim(0) + ", " + weight.dim(1);
    }
}
