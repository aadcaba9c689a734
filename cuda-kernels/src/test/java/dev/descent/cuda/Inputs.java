package dev.descent.cuda;

import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;

/**
 * Seeded test inputs made on a given backend. randn and rand give the same numbers on every backend, and the
 * transforms used here (abs, +, step) are exact in fp32, so the CPU and CUDA copies of an input are identical.
 */
final class Inputs {
    private Inputs() {
    }

    static Tensor randn(Backend b, long seed, int... dims) {
        return b.randn(Shape.of(dims), new Rng(seed));
    }

    /** |N(0,1)| + 0.1: valid for log, sqrt and as a pow base. */
    static Tensor positive(Backend b, long seed, int... dims) {
        return b.binaryScalar(BinaryOp.ADD, b.unary(UnaryOp.ABS, randn(b, seed, dims)), 0.1f);
    }

    /** 0 or 1 at random: operands with many equal pairs for EQ, GT, LT and masks for where. */
    static Tensor bits(Backend b, long seed, int... dims) {
        return b.unary(UnaryOp.STEP, randn(b, seed, dims));
    }

    /** Integer ids in [0, bound) as floats; every {@code ignoreEvery}-th position (if > 0) holds {@code ignored}. */
    static Tensor ids(Backend b, long seed, int bound, int ignoreEvery, int ignored, int... dims) {
        Rng rng = new Rng(seed);
        float[] v = new float[Shape.of(dims).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ignoreEvery > 0 && i % ignoreEvery == ignoreEvery - 1 ? ignored : rng.nextInt(bound);
        }
        return b.fromArray(v, Shape.of(dims));
    }
}
