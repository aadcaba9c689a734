package dev.descent.core;

import static dev.descent.core.BinaryOp.EQ;
import static dev.descent.core.BinaryOp.MAX;
import static dev.descent.core.ReduceOp.SUM;

/** One-hot rows of integer-valued ids, built with primitives: how the composed embedding and cross-entropy index. */
final class OneHot {
    private OneHot() {
    }

    /**
     * {@code onehot (N, classes)} = [id_n == c] for the N values of {@code ids}. Every id must be an integer in
     * {@code [0, classes)} or equal to {@code allowed}; the check costs one number read back, and a failure reads
     * the ids to name the first bad one exactly as {@link Indices#of} does.
     */
    static Tensor of(Backend b, String op, Tensor ids, int classes, int allowed, String what) {
        int n = ids.numel();
        Tensor column = ids.view(Shape.of(n, 1));
        float[] range = new float[classes];
        for (int c = 0; c < classes; c++) {
            range[c] = c;
        }
        Tensor onehot = b.binary(EQ, column, b.fromArray(range, Shape.of(1, classes)));
        // id n is valid when it matched one class or is the allowed value
        Tensor valid = b.binaryScalar(EQ, b.binary(MAX, b.reduce(SUM, onehot, 1), b.binaryScalar(EQ, column, allowed)), 1f);
        if (n > 0 && b.toArray(b.reduce(SUM, valid, 0))[0] != n) {
            // the host check agrees, names the first bad id and throws
            Indices.of(op, b.toArray(ids), classes, allowed, what);
        }
        return onehot;
    }
}
