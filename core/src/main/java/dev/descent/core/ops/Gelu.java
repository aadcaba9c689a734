package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/**
 * GELU.  Exact: y = x·Φ(x), dy/dx = Φ(x) + x·φ(x).  Tanh approximation (GPT-2):
 * y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³), dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).
 * dL/dx = g·dy/dx.
 */
public final class Gelu implements Op {
    private final Tensor x;
    private final boolean exact;

    public Gelu(Tensor x, boolean exact) {
        this.x = x;
        this.exact = exact;
    }

    @Override
    public Tensor forward() {
        return x.backend().unary(exact ? UnaryOp.GELU_ERF : UnaryOp.GELU_TANH, x);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x);
    }

    @Override
    public void backward(Tensor g) {
        x.accumulateGrad(g.mul(x.backend().unary(exact ? UnaryOp.GELU_ERF_GRAD : UnaryOp.GELU_TANH_GRAD, x)));
    }

    @Override
    public String name() {
        return exact ? "gelu(exact)" : "gelu(tanh)";
    }
}
