package dev.descent.lessons.rmsprop;

import dev.descent.core.Tensor;

/**
 * Exercise 08: RMSProp's step, as PyTorch computes it (the order of the float operations {@code optim.RMSProp}
 * uses, so the two agree exactly).
 * <pre>
 * v ← α·v + (1 − α)·g²           a running mean of the squared gradient, per parameter (v starts at 0)
 * θ ← θ − lr·g/(√v + ε)          each parameter's step divided by its own typical gradient size
 * </pre>
 */
final class RmsPropStep {
    private RmsPropStep() {
    }

    /** The new running mean of g² from the old one, computed as v·α + g·g·(1 − α). */
    static Tensor meanSquare(Tensor v, Tensor g, double alpha) {
        return v.mul((float) alpha).add(g.mul(g).mul((float) (1 - alpha)));
    }

    /** θ − (g/(√v + ε))·lr, given √v as {@code rms}. */
    static Tensor step(Tensor theta, Tensor g, Tensor rms, double lr, double eps) {
        return theta.sub(g.div(rms.add((float) eps)).mul((float) lr));
    }
}
