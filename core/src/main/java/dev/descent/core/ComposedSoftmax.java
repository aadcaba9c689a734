package dev.descent.core;

import static dev.descent.core.BinaryOp.DIV;
import static dev.descent.core.BinaryOp.MUL;
import static dev.descent.core.BinaryOp.SUB;
import static dev.descent.core.ReduceOp.MAX;
import static dev.descent.core.ReduceOp.SUM;
import static dev.descent.core.UnaryOp.EXP;
import static dev.descent.core.UnaryOp.LOG;

/**
 * {@link Backend#softmax} and its backward written with primitives, over the last axis of {@code x (.., C)}:
 * the default of every backend and the oracle of the fused versions.
 */
final class ComposedSoftmax {
    private ComposedSoftmax() {
    }

    /** y = e^(x−m) / Σ e^(x−m), or log-softmax y = (x−m) − log Σ e^(x−m), with m the row maximum. */
    static Tensor forward(Backend b, Tensor x, boolean log) {
        int last = x.rank() - 1;
        try (MemoryScope temps = b.scope()) {
            // z = x − m: e^z ≤ 1 never overflows
            Tensor z = b.binary(SUB, x, b.reduce(MAX, x, last));
            Tensor e = b.unary(EXP, z);
            Tensor sum = b.reduce(SUM, e, last);
            // softmax = e^z / Σ e^z;  log-softmax = z − log Σ e^z
            Tensor y = log ? b.binary(SUB, z, b.unary(LOG, sum)) : b.binary(DIV, e, sum);
            temps.keep(y);
            return y;
        }
    }

    /** Softmax: dx = y ⊙ (g − Σ g⊙y).  Log-softmax: dx = g − e^y · Σ g.  Sums over the last axis. */
    static Tensor backward(Backend b, Tensor y, Tensor g, boolean log) {
        int last = y.rank() - 1;
        try (MemoryScope temps = b.scope()) {
            Tensor dx = log
                    ? b.binary(SUB, g, b.binary(MUL, b.unary(EXP, y), b.reduce(SUM, g, last)))
                    : b.binary(MUL, y, b.binary(SUB, g, b.reduce(SUM, b.binary(MUL, g, y), last)));
            temps.keep(dx);
            return dx;
        }
    }
}
