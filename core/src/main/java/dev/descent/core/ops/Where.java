package dev.descent.core.ops;

import dev.descent.core.Op;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * y = cond ≠ 0 ? a : b, all broadcast together (a masked fill is where(mask, value, x)).
 * dL/da = g where cond, else 0;  dL/db = g where not cond, else 0.  The condition gets no gradient.
 */
public final class Where implements Op {
    private final Tensor cond;
    private final Tensor a;
    private final Tensor b;

    public Where(Tensor cond, Tensor a, Tensor b) {
        Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor.sameBackend("where", cond, a);
        Tensor.sameBackend("where", a, b);
        this.cond = cond;
        this.a = a;
        this.b = b;
    }

    @Override
    public Tensor forward() {
        return a.backend().where(cond, a, b);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(a, b);
    }

    @Override
    public void backward(Tensor g) {
        Tensor zero = g.backend().full(Shape.scalar(), 0f);
        if (a.requiresGrad()) {
            a.accumulateGrad(g.backend().where(cond, g, zero));
        }
        if (b.requiresGrad()) {
            b.accumulateGrad(g.backend().where(cond, zero, g));
        }
    }
}
