package dev.descent.core;

import java.util.Arrays;

/** The fused and multi-input operations that are not methods of {@link Tensor}, like torch.nn.functional. */
public final class Functional {
    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private Functional() {
    }

    /** Layer normalisation over the last axis: {@code x (.., C)}, {@code gamma, beta (C)}. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return Autograd.record(new LayerNorm(x, gamma, beta, eps));
    }

    /**
     * y = x·Wᵀ + b: {@code x (.., in)}, {@code weight (out, in)}, {@code bias (out)} or null -> {@code (.., out)},
     * without a transposed copy of W (see {@link Affine}).
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Autograd.record(new Affine(x, weight, bias));
    }

    /**
     * Mean cross-entropy of the logits x·Wᵀ against integer-valued {@code targets (N)}, for {@code x (N, C)} and
     * {@code weight (V, C)}, without keeping the logits: one {@code (N, V)} buffer serves forward and backward
     * (see {@link LinearCrossEntropy}). Equal to {@code crossEntropy(x.matmul(weight.transpose()), targets)} with
     * PyTorch's 'mean' over the targets not equal to {@code ignoreIndex} (NaN when all are ignored). A scalar.
     */
    public static Tensor linearCrossEntropy(Tensor x, Tensor weight, Tensor targets, int ignoreIndex) {
        return Autograd.record(new LinearCrossEntropy(x, weight, targets, ignoreIndex));
    }

    /**
     * Multi-head causal self-attention straight from a C → 3C projection: {@code qkv (B, T, 3C)} = [q | k | v] ->
     * {@code (B, T, C)}, heads merged back. Equal to softmax(mask(q·kᵀ/√hs))·v per head, but fused: it keeps one
     * log-sum-exp per (batch, head, query) instead of the (B, heads, T, T) attention matrix.
     */
    public static Tensor causalAttention(Tensor qkv, int heads) {
        return Autograd.record(new CausalAttention(qkv, heads));
    }

    /** Rows of {@code table (V, C)} picked by integer-valued {@code ids (..)}: {@code (.., C)}. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        return Lookups.embedding(table, ids);
    }

    /** cond ≠ 0 ? a : b, broadcast. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /** x with {@code value} wherever {@code mask} ≠ 0 (e.g. −∞ above the diagonal for a causal mask). */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        return where(mask, x.backend().full(Shape.scalar(), value), x);
    }

    /**
     * Inverted dropout: in training each element is zeroed with probability p and the survivors are scaled by
     * 1/(1−p), drawing the mask from {@code rng}; in evaluation (or with p = 0) it is the identity.
     */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor keep = x.backend().binaryScalar(BinaryOp.LT, x.backend().rand(x.shape(), rng), 1 - p);
        Tensor scaledMask = x.backend().binaryScalar(BinaryOp.MUL, keep, 1 / (1 - p));
        return Elementwise.dropout(x, scaledMask);
    }

    /** Mean cross-entropy of {@code logits (.., C)} against integer-valued {@code targets (..)}. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return crossEntropy(logits, targets, Reduction.MEAN, DEFAULT_IGNORE_INDEX, 0f);
    }

    /**
     * Cross-entropy with PyTorch's semantics: leading axes of {@code logits (.., C)} are flattened against
     * {@code targets (..)}; targets equal to {@code ignoreIndex} contribute nothing; MEAN divides by the number
     * of targets not ignored (NaN when every target is ignored, as in PyTorch); NONE keeps {@code targets}'s shape.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Reduction reduction, int ignoreIndex,
                                      float labelSmoothing) {
        if (logits.rank() < 1) {
            throw new IllegalArgumentException("crossEntropy: logits need a class axis, (.., C), got shape ()");
        }
        int[] lead = Arrays.copyOf(logits.shape().dims(), logits.rank() - 1);
        if (!Shape.of(lead).equals(targets.shape())) {
            throw new IllegalArgumentException("crossEntropy: logits " + logits.shape() + " need targets of shape "
                    + Shape.of(lead) + ", got " + targets.shape());
        }
        Tensor rows = Lookups.crossEntropyRows(logits.reshape(-1, logits.dim(-1)), targets.reshape(-1), ignoreIndex,
                labelSmoothing);
        switch (reduction) {
            case NONE:
                return rows.reshape(targets.shape().dims());
            case SUM:
                return rows.sum();
            default:
                Backend backend = targets.backend();
                Tensor ignored = backend.binaryScalar(BinaryOp.EQ, targets, ignoreIndex);
                Tensor counted = backend.binaryScalar(BinaryOp.ADD, backend.unary(UnaryOp.NEG, ignored), 1f);
                return rows.sum().div(counted.sum());
        }
    }
}
