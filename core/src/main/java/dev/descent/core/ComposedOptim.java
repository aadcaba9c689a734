package dev.descent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Backend#adamStep} and {@link Backend#sumOfSquares} written with primitives: the default of every backend
 * and the oracle of the fused versions. The Adam step runs one parameter at a time, in the order of float operations
 * the fused loops use, so on the CPU it gives bitwise the same values.
 */
final class ComposedOptim {
    private ComposedOptim() {
    }

    /**
     * The formula of {@link AdamStep}, one parameter after the other, each assignment's temporaries freed at once;
     * then Σ 0·x over every tensor it wrote: 0 when all are finite, NaN otherwise.
     */
    @SuppressWarnings("try")
    static Tensor adamStep(Backend b, AdamStep step, List<AdamStep.Param> params) {
        List<Tensor> written = new ArrayList<>();
        for (AdamStep.Param p : params) {
            AdamStep.Coefficients c = step.coefficients(p);
            try (MemoryScope temps = b.scope()) {
                // g' = g + λ·θ (Adam's coupled decay)
                Tensor g = c.gradDecay() == 0f ? p.grad()
                        : b.binary(BinaryOp.ADD, p.grad(), b.binaryScalar(BinaryOp.MUL, p.param(), c.gradDecay()));
                // m ← β1·m + (1−β1)·g'
                assign(b, p.expAvg(), () -> b.binary(BinaryOp.ADD, scaled(b, p.expAvg(), c.beta1()),
                        scaled(b, g, c.oneMinusBeta1())));
                // v ← β2·v + (1−β2)·g'²
                assign(b, p.expAvgSq(), () -> b.binary(BinaryOp.ADD, scaled(b, p.expAvgSq(), c.beta2()),
                        scaled(b, b.binary(BinaryOp.MUL, g, g), c.oneMinusBeta2())));
                Tensor second = p.expAvgSq();
                if (step.amsgrad()) {
                    // vmax ← max(vmax, v)
                    assign(b, p.maxExpAvgSq(), () -> b.binary(BinaryOp.MAX, p.maxExpAvgSq(), p.expAvgSq()));
                    second = p.maxExpAvgSq();
                }
                Tensor secondMoment = second;
                // θ ← θ·(1 − γλ) − (γ/bc1)·m/d,  d = √v·(1/√bc2) + ε
                assign(b, p.param(), () -> {
                    Tensor d = b.binaryScalar(BinaryOp.ADD,
                            scaled(b, b.unary(UnaryOp.SQRT, secondMoment), c.rootBc2Inverse()), c.eps());
                    Tensor theta = c.paramScale() == 1f ? p.param() : scaled(b, p.param(), c.paramScale());
                    return b.binary(BinaryOp.SUB, theta, scaled(b, b.binary(BinaryOp.DIV, p.expAvg(), d), c.stepSize()));
                });
            }
            written.addAll(step.amsgrad() ? List.of(p.param(), p.expAvg(), p.expAvgSq(), p.maxExpAvgSq())
                    : List.of(p.param(), p.expAvg(), p.expAvgSq()));
        }
        return zeroIfFinite(b, written);
    }

    /**
     * Σ 0·x over {@code xs}, rank 0: 0 when every element is finite and NaN otherwise (0·±∞ and 0·NaN are NaN, and
     * zeros cannot overflow), one product and one sum per tensor, each freed before the next.
     */
    @SuppressWarnings("try")
    private static Tensor zeroIfFinite(Backend b, List<Tensor> xs) {
        try (MemoryScope totals = b.scope()) {
            Tensor total = b.full(Shape.of(1), 0f);
            for (Tensor x : xs) {
                try (MemoryScope temps = b.scope()) {
                    // total ← total + Σ 0·x
                    total = b.binary(BinaryOp.ADD, total, b.reduce(ReduceOp.SUM,
                            b.binaryScalar(BinaryOp.MUL, x.view(Shape.of(x.numel())), 0f), 0));
                    temps.keep(total);
                }
            }
            totals.keep(total);
            return total.view(Shape.scalar());
        }
    }

    /** Σ over {@code xs} of Σ x², rank 0: one square and one sum per tensor, each freed before the next. */
    @SuppressWarnings("try")
    static Tensor sumOfSquares(Backend b, List<Tensor> xs) {
        try (MemoryScope totals = b.scope()) {
            Tensor total = b.full(Shape.of(1), 0f);
            for (Tensor x : xs) {
                try (MemoryScope temps = b.scope()) {
                    Tensor flat = x.view(Shape.of(x.numel()));
                    // total ← total + Σ x²
                    total = b.binary(BinaryOp.ADD, total,
                            b.reduce(ReduceOp.SUM, b.binary(BinaryOp.MUL, flat, flat), 0));
                    temps.keep(total);
                }
            }
            totals.keep(total);
            return total.view(Shape.scalar());
        }
    }

    private static Tensor scaled(Backend b, Tensor x, float s) {
        return b.binaryScalar(BinaryOp.MUL, x, s);
    }

    /** target ← value, with the temporaries that computing value made released at once. */
    @SuppressWarnings("try")
    private static void assign(Backend b, Tensor target, Supplier<Tensor> value) {
        try (MemoryScope temps = b.scope()) {
            b.copyInto(target, value.get());
        }
    }
}
