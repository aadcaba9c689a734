package dev.descent.core;

import java.util.List;

/**
 * A classifier head fused with mean cross-entropy, holding one {@code (N, V)} buffer from forward to backward.
 * For {@code x (N, C)}, {@code weight (V, C)} (e.g. a tied token embedding) and integer-valued {@code targets (N)}:
 * zₙ = W·xₙ, L = (1/K)·Σₙ −log softmax(zₙ)[yₙ] over the K rows whose target is not ignoreIndex. Output: a scalar.
 * With D = P − Y (softmax minus one-hot, zero rows where ignored) and upstream g:
 * dL/dx = (g/K)·D·W,  dL/dW = (g/K)·Dᵀ·x.
 *
 * <p>The logits are never a graph tensor: forward computes them with a transposed-operand matmul (no copy of W),
 * then {@link Backend#crossEntropyInPlace} turns them into D in the same buffer. When every target is ignored, K = 0
 * and the loss is 0/0 = NaN, as in PyTorch. K and the scale g/K stay on the device as one-element tensors, so
 * neither pass waits for the device to hand a number back.
 */
final class LinearCrossEntropy implements Op {
    private final Tensor x;
    private final Tensor weight;
    private final Tensor targets;
    private final int ignoreIndex;
    private Tensor dlogits;
    private Tensor count;

    LinearCrossEntropy(Tensor x, Tensor weight, Tensor targets, int ignoreIndex) {
        if (x.rank() != 2 || weight.rank() != 2 || x.dim(1) != weight.dim(1) || targets.rank() != 1
                || targets.dim(0) != x.dim(0)) {
            throw new IllegalArgumentException("linearCrossEntropy: needs x (N, C), weight (V, C) and targets (N), got "
                    + x.shape() + ", " + weight.shape() + " and " + targets.shape());
        }
        Tensor.sameBackend(name(), x, weight);
        Tensor.sameBackend(name(), x, targets);
        this.x = x;
        this.weight = weight;
        this.targets = targets;
        this.ignoreIndex = ignoreIndex;
    }

    @Override
    public Tensor forward() {
        Backend b = x.backend();
        // Z = x·Wᵀ, (N, C) x (V, C)ᵀ -> (N, V)
        dlogits = b.matmul(x, weight, false, true);
        // lₙ = −log softmax(zₙ)[yₙ];  Z <- P − Y in place
        Tensor rows = b.crossEntropyInPlace(dlogits, targets, ignoreIndex);
        // K = N − #{n : yₙ = ignoreIndex}, a scalar on the device
        Tensor ignored = b.reduce(ReduceOp.SUM, b.binaryScalar(BinaryOp.EQ, targets, ignoreIndex), 0).reshape();
        count = b.binary(BinaryOp.SUB, b.full(Shape.scalar(), x.dim(0)), ignored);
        // L = Σ lₙ / K
        Tensor total = b.reduce(ReduceOp.SUM, rows, 0).reshape();
        return b.binary(BinaryOp.DIV, total, count);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(x, weight);
    }

    @Override
    public void backward(Tensor g) {
        Backend b = g.backend();
        // s = g/K, on the device
        Tensor s = b.binary(BinaryOp.DIV, g, count);
        if (x.requiresGrad()) {
            // dx = s·(D·W), (N, V) x (V, C); the unscaled product is released at once
            Tensor product = b.matmul(dlogits, weight, false, false);
            Tensor dx = b.binary(BinaryOp.MUL, product, s);
            product.storage().release();
            x.accumulateGrad(dx);
        }
        if (weight.requiresGrad()) {
            // dW = Dᵀ·(s·x), (N, V)ᵀ x (N, C): scaling x costs (N, C), not (V, C)
            weight.accumulateGrad(b.matmul(dlogits, b.binary(BinaryOp.MUL, x, s), true, false));
        }
        // the (N, V) buffer is this op's alone: free it now rather than when the step ends
        dlogits.storage().release();
        dlogits = null;
    }

    @Override
    public String name() {
        return "linearCrossEntropy";
    }
}
