package dev.descent.core;

import java.util.Arrays;
import java.util.List;

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
     * A residual add and the layer norm after it, as one kernel: h = x + a and y = layerNorm(h), for
     * {@code x, a (.., C)} and {@code gamma, beta (C)}. Equal to {@code h = x.add(a)} then
     * {@code layerNorm(h, gamma, beta, eps)}, outputs and gradients alike (see {@link ResidualLayerNorm}).
     */
    public static ResidualNorm residualLayerNorm(Tensor x, Tensor a, Tensor gamma, Tensor beta, float eps) {
        return ResidualLayerNorm.apply(x, a, gamma, beta, eps);
    }

    /** The two outputs of {@link #residualLayerNorm}: the new residual stream h and its normalisation y. */
    public record ResidualNorm(Tensor sum, Tensor normalized) {
    }

    /**
     * A transformer MLP with GPT-2's tanh GELU, y = gelu(x·W1ᵀ + b1)·W2ᵀ + b2, for {@code x (.., C)},
     * {@code fcWeight (H, C)}, {@code fcBias (H)}, {@code projWeight (C', H)}, {@code projBias (C')} ->
     * {@code (.., C')}. Equal to {@code linear(linear(x, W1, b1).gelu(), W2, b2)}, but one op that keeps the
     * pre-activation only: the (.., H) GELU output is recomputed in backward instead of held (see {@link GeluMlp}).
     */
    public static Tensor geluMlp(Tensor x, Tensor fcWeight, Tensor fcBias, Tensor projWeight, Tensor projBias) {
        return Autograd.record(new GeluMlp(x, fcWeight, fcBias, projWeight, projBias));
    }

    /**
     * y = x·Wᵀ + b: {@code x (.., in)}, {@code weight (out, in)}, {@code bias (out)} or null -> {@code (.., out)},
     * without a transposed copy of W (see {@link Affine}).
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Autograd.record(new Affine(x, weight, bias));
    }

    /**
     * Mean cross-entropy of the logits x·Wᵀ against integer-valued {@code targets (N)} (a float tensor, see
     * {@link Indices}), for {@code x (N, C)} and {@code weight (V, C)}, without keeping the logits: one {@code (N, V)}
     * buffer serves forward and backward (see {@link LinearCrossEntropy}). Equal to {@code crossEntropy(x.matmul(weight.transpose()), targets)} with
     * PyTorch's 'mean' over the targets not equal to {@code ignoreIndex} (NaN when all are ignored). A scalar.
     */
    public static Tensor linearCrossEntropy(Tensor x, Tensor weight, Tensor targets, int ignoreIndex) {
        return Autograd.record(new LinearCrossEntropy(x, weight, targets, ignoreIndex));
    }

    /**
     * Multi-head causal self-attention straight from a C → 3C projection: {@code qkv (B, T, 3C)} = [q | k | v] ->
     * {@code (B, T, C)}, heads merged back. Equal to softmax(mask(q·kᵀ/√hs))·v per head, but fused: it keeps one
     * log-sum-exp per (batch, head, query) instead of the (B, heads, T, T) attention matrix.
     *
     * <p>The packed layout is the native one because it is what the projection produces: the kernels read each head
     * of q, k and v straight out of it and backward writes dq, dk and dv into one {@code (B, T, 3C)} gradient, with
     * no split, permute or concatenation in either direction. {@link #causalAttention(Tensor, Tensor, Tensor, int)}
     * takes them separately at the cost of one concatenation.
     */
    public static Tensor causalAttention(Tensor qkv, int heads) {
        return Autograd.record(new CausalAttention(qkv, heads));
    }

    /**
     * {@link #causalAttention(Tensor, int)} of separate {@code q, k, v (B, T, C)}: the same output and gradients,
     * through one concatenation into the packed {@code (B, T, 3C)} layout (a copy of 3·B·T·C values forward and a
     * slice of the gradient per input backward).
     */
    public static Tensor causalAttention(Tensor q, Tensor k, Tensor v, int heads) {
        if (q.rank() != 3 || !q.shape().equals(k.shape()) || !q.shape().equals(v.shape())) {
            throw new IllegalArgumentException("causalAttention: needs q, k and v of one shape (B, T, C), got "
                    + q.shape() + ", " + k.shape() + " and " + v.shape());
        }
        return causalAttention(Tensor.concat(List.of(q, k, v), 2), heads);
    }

    /**
     * Rows of {@code table (V, C)} picked by {@code ids (..)}: {@code (.., C)}. The ids are a float tensor holding
     * integers in [0, V), e.g. {@code Tensor.fromArray(new float[] {3, 0, 3})} (see {@link Indices}).
     */
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

    /**
     * Mean cross-entropy of {@code logits (.., C)} against {@code targets (..)}: class indices in a float tensor
     * holding integers in [0, C), e.g. {@code Tensor.fromArray(new float[] {2, 0, 1})}. descent has one dtype, float32,
     * which holds every integer up to 2^24 exactly (see {@link Indices}); a target that is not such an integer fails
     * with an {@link IndexOutOfBoundsException} naming it.
     */
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
