package dev.descent.core;

import java.util.Arrays;
import java.util.List;

/**
 * Y = A·B over the last two axes, batch axes broadcast: {@code A (.., M, K), B (.., K, N) -> Y (.., M, N)}.
 * dL/dA = G·Bᵀ,  dL/dB = Aᵀ·G  (summed back over broadcast batch axes).
 *
 * <p>A rank-2 B (a weight matrix) is shared by every batch without being copied; then dL/dB is
 * Aᵀ·G with A and G flattened to {@code (rows, K)} and {@code (rows, N)}.
 */
final class MatMul implements Op {
    private final Tensor a;
    private final Tensor b;
    private Tensor aExpanded;
    private Tensor bExpanded;

    MatMul(Tensor a, Tensor b) {
        this.a = a;
        this.b = b;
    }

    @Override
    public Tensor forward() {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException(name() + ": needs operands of rank >= 2, got shapes " + a.shape()
                    + " and " + b.shape() + " (reshape a vector to (1, n) or (n, 1))");
        }
        if (a.dim(-1) != b.dim(-2)) {
            throw new IllegalArgumentException(name() + ": shapes " + a.shape() + " and " + b.shape()
                    + " do not chain: inner dimensions " + a.dim(-1) + " and " + b.dim(-2) + " differ");
        }
        Tensor.sameBackend(name(), a, b);
        if (b.rank() == 2) {
            aExpanded = a;
            bExpanded = b;
        } else {
            Shape batch = Shape.broadcast(name() + " of " + a.shape() + " and " + b.shape() + ", batch dimensions",
                    batchShape(a), batchShape(b));
            aExpanded = expand(a, batch);
            bExpanded = expand(b, batch);
        }
        return a.backend().matmul(aExpanded, bExpanded, false, false);
    }

    private static Shape batchShape(Tensor t) {
        return Shape.of(Arrays.copyOf(t.shape().dims(), t.rank() - 2));
    }

    private static Tensor expand(Tensor t, Shape batch) {
        int[] dims = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        dims[batch.rank()] = t.dim(-2);
        dims[batch.rank() + 1] = t.dim(-1);
        Shape target = Shape.of(dims);
        return target.equals(t.shape()) ? t : t.backend().broadcastTo(t, target);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(a, b);
    }

    @Override
    public void backward(Tensor g) {
        if (a.requiresGrad()) {
            a.accumulateGrad(g.backend().matmul(g, bExpanded, false, true));
        }
        if (b.requiresGrad()) {
            if (b.rank() == 2) {
                Tensor a2 = aExpanded.reshape(-1, a.dim(-1));
                Tensor g2 = g.reshape(-1, g.dim(-1));
                b.accumulateGrad(g.backend().matmul(a2, g2, true, false));
            } else {
                b.accumulateGrad(g.backend().matmul(aExpanded, g, true, false));
            }
        }
    }
}
