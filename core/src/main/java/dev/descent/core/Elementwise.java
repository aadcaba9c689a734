package dev.descent.core;

import java.util.List;

/**
 * Every elementwise op, each one row: the backend kernel of its forward, then its derivative. Tables of one input
 * ({@link Unary}), of an input and a constant ({@link Scalar}) and of two broadcast inputs ({@link Binary}), then
 * the two ops with a fixed operand that gets no gradient ({@link #where}, {@link #dropout}). Backward rules are
 * written in Tensor ops and see the upstream gradient g, the inputs and the output y.
 */
final class Elementwise {
    private Elementwise() {
    }

    /** y = f(x). */
    enum Unary {
        /** y = −x.  dL/dx = −g. */
        NEG(UnaryOp.NEG, (g, x, y) -> g.neg()),
        /** y = e^x.  dL/dx = g·y. */
        EXP(UnaryOp.EXP, (g, x, y) -> g.mul(y)),
        /** y = ln x.  dL/dx = g / x. */
        LOG(UnaryOp.LOG, (g, x, y) -> g.div(x)),
        /** y = √x.  dL/dx = g / (2y). */
        SQRT(UnaryOp.SQRT, (g, x, y) -> g.div(y.mul(2f))),
        /** y = tanh x.  dL/dx = g·(1 − y²). */
        TANH(UnaryOp.TANH, (g, x, y) -> g.mul(y.mul(y).neg().add(1f))),
        /** y = σ(x) = 1 / (1 + e^−x).  dL/dx = g·y·(1 − y). */
        SIGMOID(UnaryOp.SIGMOID, (g, x, y) -> g.mul(y).mul(y.neg().add(1f))),
        /** y = max(x, 0).  dL/dx = g·[x &gt; 0]. */
        RELU(UnaryOp.RELU, (g, x, y) -> g.mul(x.backend().unary(UnaryOp.STEP, x))),
        /**
         * GELU, tanh approximation (GPT-2's): y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³).
         * dL/dx = g·(½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)).
         */
        GELU_TANH(UnaryOp.GELU_TANH, (g, x, y) -> g.mul(x.backend().unary(UnaryOp.GELU_TANH_GRAD, x))),
        /** GELU, exact: y = x·Φ(x).  dL/dx = g·(Φ(x) + x·φ(x)). */
        GELU_ERF(UnaryOp.GELU_ERF, (g, x, y) -> g.mul(x.backend().unary(UnaryOp.GELU_ERF_GRAD, x)));

        private final UnaryOp kernel;
        private final Derivative derivative;

        Unary(UnaryOp kernel, Derivative derivative) {
            this.kernel = kernel;
            this.derivative = derivative;
        }

        Tensor apply(Tensor x) {
            return Autograd.record(Op.of(opName(), List.of(x), () -> x.backend().unary(kernel, x),
                    (g, y) -> x.accumulateGrad(derivative.dx(g, x, y))));
        }

        private String opName() {
            return switch (this) {
                case GELU_TANH -> "gelu(tanh)";
                case GELU_ERF -> "gelu(exact)";
                default -> name().toLowerCase(java.util.Locale.ROOT);
            };
        }

        @FunctionalInterface
        private interface Derivative {
            Tensor dx(Tensor g, Tensor x, Tensor y);
        }
    }

    /** y = f(x, s) for a constant s. */
    enum Scalar {
        /** y = x + s.  dL/dx = g. */
        ADD(BinaryOp.ADD, (g, x, s) -> g),
        /** y = s·x.  dL/dx = s·g. */
        MUL(BinaryOp.MUL, (g, x, s) -> g.mul(s)),
        /** y = x^p.  dL/dx = g·p·x^(p−1), and 0 for p = 0 (also at x = 0, where x^(−1) is ∞). */
        POW(BinaryOp.POW, (g, x, p) -> p == 0 ? g.mul(0f) : g.mul(x.pow(p - 1)).mul(p));

        private final BinaryOp kernel;
        private final Derivative derivative;

        Scalar(BinaryOp kernel, Derivative derivative) {
            this.kernel = kernel;
            this.derivative = derivative;
        }

        Tensor apply(Tensor x, float s) {
            return Autograd.record(Op.of(name().toLowerCase(java.util.Locale.ROOT) + "scalar", List.of(x),
                    () -> x.backend().binaryScalar(kernel, x, s), (g, y) -> x.accumulateGrad(derivative.dx(g, x, s))));
        }

        @FunctionalInterface
        private interface Derivative {
            Tensor dx(Tensor g, Tensor x, float s);
        }
    }

    /** y = f(a, b), broadcast; each gradient is summed back to its input's shape by accumulateGrad. */
    enum Binary {
        /** y = a + b.  dL/da = g,  dL/db = g. */
        ADD(BinaryOp.ADD, (g, a, b) -> g, (g, a, b) -> g),
        /** y = a − b.  dL/da = g,  dL/db = −g. */
        SUB(BinaryOp.SUB, (g, a, b) -> g, (g, a, b) -> g.neg()),
        /** y = a·b.  dL/da = g·b,  dL/db = g·a. */
        MUL(BinaryOp.MUL, (g, a, b) -> g.mul(b), (g, a, b) -> g.mul(a)),
        /** y = a / b.  dL/da = g / b,  dL/db = −g·a / b². */
        DIV(BinaryOp.DIV, (g, a, b) -> g.div(b), (g, a, b) -> g.mul(a).div(b.mul(b)).neg());

        private final BinaryOp kernel;
        private final Derivative da;
        private final Derivative db;

        Binary(BinaryOp kernel, Derivative da, Derivative db) {
            this.kernel = kernel;
            this.da = da;
            this.db = db;
        }

        Tensor apply(Tensor a, Tensor b) {
            String name = name().toLowerCase(java.util.Locale.ROOT);
            return Autograd.record(Op.of(name, List.of(a, b), () -> {
                Shape.broadcast(name, a.shape(), b.shape());
                return Tensor.sameBackend(name, a, b).binary(kernel, a, b);
            }, (g, y) -> {
                if (a.requiresGrad()) {
                    a.accumulateGrad(da.d(g, a, b));
                }
                if (b.requiresGrad()) {
                    b.accumulateGrad(db.d(g, a, b));
                }
            }));
        }

        @FunctionalInterface
        private interface Derivative {
            Tensor d(Tensor g, Tensor a, Tensor b);
        }
    }

    /**
     * y = cond ≠ 0 ? a : b, all broadcast together.  dL/da = g where cond, else 0;  dL/db = g where not cond, else 0.
     * The condition gets no gradient.
     */
    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor.sameBackend("where", cond, a);
        Tensor.sameBackend("where", a, b);
        return Autograd.record(Op.of("where", List.of(a, b), () -> a.backend().where(cond, a, b), (g, y) -> {
            Tensor zero = g.backend().full(Shape.scalar(), 0f);
            if (a.requiresGrad()) {
                a.accumulateGrad(g.backend().where(cond, g, zero));
            }
            if (b.requiresGrad()) {
                b.accumulateGrad(g.backend().where(cond, zero, g));
            }
        }));
    }

    /** y = x ⊙ m for a fixed mask m of 0 (dropped) or 1/(1−p) (kept).  dL/dx = g ⊙ m: the same units drop. */
    static Tensor dropout(Tensor x, Tensor scaledMask) {
        if (!x.shape().equals(scaledMask.shape())) {
            throw new IllegalArgumentException("dropout: mask " + scaledMask.shape() + " for input " + x.shape());
        }
        return Autograd.record(Op.of("dropout", List.of(x), () -> x.backend().binary(BinaryOp.MUL, x, scaledMask),
                (g, y) -> x.accumulateGrad(g.mul(scaledMask))));
    }
}
