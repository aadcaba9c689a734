package dev.descent.core;

import java.util.List;

/**
 * The seam between the math and the machine. Every loop over tensor data lives behind this interface: Tensor,
 * autograd, the ops, nn and optim only call these methods, so the same model runs on the CPU reference backend and
 * on the CUDA backend unchanged.
 *
 * <p><b>Primitives</b> (the abstract methods, 17 of them) are what every backend implements: making and reading
 * tensors ({@link #fromArray}, {@link #toArray}, {@link #full}, {@link #copyInto}), memory ({@link #scope},
 * {@link #memory}, {@link #resetPeakMemory}), elementwise math ({@link #unary}, {@link #binary}, {@link #where}),
 * {@link #reduce} along one axis, {@link #matmul}, and layout ({@link #broadcastTo}, {@link #permute},
 * {@link #slice}, {@link #concat}), plus {@link #name}.
 *
 * <p><b>Fused ops</b> (the default methods) have a default written with the primitives alone, in the
 * {@code Composed*} classes: readable, and the oracle the fast versions are tested against. A backend overrides one
 * only to be fast (the CPU backend overrides them all with fused loops; the CUDA backend with kernels), and must then
 * agree with the default up to float rounding.
 *
 * <p>Inputs are contiguous row-major tensors on this backend; every method returns a new tensor (no autograd
 * fields) except the in-place ones ({@link #copyInto}, {@link #addInto}, {@link #scaleInPlace},
 * {@link #crossEntropyInPlace}, {@link #layerNormBackwardInto}, {@link #embeddingBackwardInto}, {@link #adamStep}),
 * which write into existing ones.
 * Shapes are checked by the callers (the ops, the optimizers), so a backend may assume they are valid.
 *
 * <p>Memory: every tensor a backend makes belongs to the innermost open {@link MemoryScope} ({@link #scope()})
 * and is released when that scope closes, unless kept; {@link #memory()} reports what is held. The defaults free
 * their own temporaries before they return.
 */
public interface Backend {

    // ---------------------------------------------------------------- primitives: every backend implements these

    /** A short device name for messages, e.g. {@code cpu} or {@code cuda:0}. */
    String name();

    /** A tensor holding a copy of {@code data}, laid out row-major as {@code shape}. */
    Tensor fromArray(float[] data, Shape shape);

    /** The tensor's values copied to a new host array (a device-to-host transfer on a GPU). */
    float[] toArray(Tensor x);

    /** A tensor of {@code shape} with every element equal to {@code value}. */
    Tensor full(Shape shape, float value);

    /** Copies {@code src}'s values into {@code dst} (same number of elements), in place. */
    void copyInto(Tensor dst, Tensor src);

    /** Opens a {@link MemoryScope}: tensors made until it closes are released then, except those kept. */
    MemoryScope scope();

    /** Tensor memory held now and at peak (on the CPU: made on the calling thread and not released). */
    MemoryUsage memory();

    /** Starts a new peak measurement at the bytes held now. */
    void resetPeakMemory();

    /** y = f(x) elementwise. */
    Tensor unary(UnaryOp op, Tensor x);

    /** y = f(a, b) elementwise with NumPy broadcasting; the output has the broadcast shape. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** y = cond ≠ 0 ? a : b, all three broadcast together. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** Reduces one axis, keeping it with size 1: {@code (.., n, ..) -> (.., 1, ..)}. */
    Tensor reduce(ReduceOp op, Tensor x, int axis);

    /**
     * Batched matrix product. {@code a} is {@code (batch.., M, K)} (or {@code (batch.., K, M)} when
     * {@code transA}), {@code b} is {@code (batch.., K, N)} (or {@code (batch.., N, K)} when {@code transB}),
     * with equal batch dimensions, or {@code b} of rank 2 shared by every batch. Result {@code (batch.., M, N)}.
     */
    Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB);

    /** Materialises the broadcast of {@code x} to {@code shape} (which {@code x} broadcasts to). */
    Tensor broadcastTo(Tensor x, Shape shape);

    /** Reorders the axes: output axis i is input axis {@code axes[i]}; the data is copied. */
    Tensor permute(Tensor x, int[] axes);

    /** The elements with index in {@code [start, end)} along {@code axis}, copied. */
    Tensor slice(Tensor x, int axis, int start, int end);

    /** Joins tensors that agree on every axis except {@code axis}. */
    Tensor concat(List<Tensor> xs, int axis);

    // ---------------------------------------------------------------- composed: override only to be fast

    /** Standard normal values drawn from {@code rng} in row-major order on the host (same numbers on every backend). */
    default Tensor randn(Shape shape, Rng rng) {
        float[] values = new float[shape.numel()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return fromArray(values, shape);
    }

    /** Uniform [0, 1) values drawn from {@code rng} in row-major order on the host (same numbers on every backend). */
    default Tensor rand(Shape shape, Rng rng) {
        float[] values = new float[shape.numel()];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextFloat();
        }
        return fromArray(values, shape);
    }

    /** y = f(a, s) elementwise with a scalar right operand; by default {@link #binary} with a rank-0 {@code s}. */
    default Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        Tensor scalar = full(Shape.scalar(), s);
        Tensor y = binary(op, a, scalar);
        scalar.storage().release();
        return y;
    }

    /** dst ← dst + src in place, {@code src} broadcast to {@code dst}'s shape (how gradients accumulate). */
    default void addInto(Tensor dst, Tensor src) {
        Tensor sum = binary(BinaryOp.ADD, dst, src);
        copyInto(dst, sum);
        sum.storage().release();
    }

    /** x ← s·x in place. */
    default void scaleInPlace(Tensor x, float s) {
        Tensor scaled = binaryScalar(BinaryOp.MUL, x, s);
        copyInto(x, scaled);
        scaled.storage().release();
    }

    /** Softmax (or log-softmax when {@code log}) over the last axis, max-subtracted for stability. */
    default Tensor softmax(Tensor x, boolean log) {
        return ComposedSoftmax.forward(this, x, log);
    }

    /**
     * Backward of {@link #softmax}. With y = softmax(x): dx = y ⊙ (g − Σ g⊙y). With y = log-softmax(x):
     * dx = g − e^y · Σ g (sums over the last axis).
     */
    default Tensor softmaxBackward(Tensor y, Tensor g, boolean log) {
        return ComposedSoftmax.backward(this, y, g, log);
    }

    /** Layer normalisation over the last axis of {@code x (N.., C)} with {@code gamma, beta (C)}. */
    default LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return ComposedLayerNorm.forward(this, x, gamma, beta, eps);
    }

    /** Backward of {@link #layerNorm} from the saved mean and rstd. */
    default LayerNormGrads layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        return ComposedLayerNorm.backward(this, dy, x, gamma, mean, rstd);
    }

    /**
     * Fused causal self-attention that keeps no T×T matrix. {@code qkv (B, T, 3C)} holds [q | k | v] along its last
     * axis; head h of q is channels h·hs..(h+1)·hs−1 of the q third (hs = C/heads), likewise for k and v. Per (b, h)
     * and query t, with scale = 1/√hs: lse_t = log Σ_{s≤t} exp(q_t·k_s·scale), out_t = Σ_{s≤t}
     * exp(q_t·k_s·scale − lse_t)·v_s. Returns {@code out (B, T, C)} with heads merged back (channel h·hs + d) and
     * {@code lse (B, heads, T)}, the only statistics backward needs. (The default does build the T×T scores.)
     */
    default AttentionResult attention(Tensor qkv, int heads) {
        return ComposedAttention.forward(this, qkv, heads);
    }

    /**
     * Backward of {@link #attention}, recomputing the scores. Per (b, h), with p_ts = exp(q_t·k_s·scale − lse_t) for
     * s ≤ t and D_t = dout_t·out_t: dv_s = Σ_{t≥s} p_ts·dout_t, ds_ts = p_ts·(dout_t·v_s − D_t),
     * dq_t = scale·Σ_{s≤t} ds_ts·k_s, dk_s = scale·Σ_{t≥s} ds_ts·q_t. Result {@code dqkv (B, T, 3C)}.
     */
    default Tensor attentionBackward(Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        return ComposedAttention.backward(this, dout, qkv, out, lse, heads);
    }

    /**
     * Row lookup: {@code table (V, C)}, {@code ids (..)} -> {@code (.., C)}. Ids are float tensors holding
     * integers in [0, V); any other value fails with an {@link IndexOutOfBoundsException} naming it.
     */
    default Tensor embedding(Tensor table, Tensor ids) {
        return ComposedEmbedding.forward(this, table, ids);
    }

    /** Scatter-add of {@code g (.., C)} into a zero {@code (vocab, C)} table; repeated ids accumulate. */
    default Tensor embeddingBackward(Tensor g, Tensor ids, int vocab) {
        return ComposedEmbedding.backward(this, g, ids, vocab);
    }

    /**
     * {@link #embeddingBackward} added in place into {@code dtable (V, C)}, the gradient already accumulating for the
     * table (a tied embedding's, where the classifier's backward made it): dtable ← dtable + onehot(ids)ᵀ·g. A fused
     * version touches only the ids' rows, so it saves the (V, C) temporary and the pass over it that would add it.
     */
    default void embeddingBackwardInto(Tensor dtable, Tensor g, Tensor ids) {
        ComposedEmbedding.backwardInto(this, dtable, g, ids);
    }

    /**
     * Per-row cross-entropy of {@code logits (N, C)} against integer-valued {@code targets (N)}:
     * l = (1−ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c), and 0 where target == ignoreIndex. Result {@code (N)}. A target
     * that is neither an integer in [0, C) nor ignoreIndex fails with an {@link IndexOutOfBoundsException}.
     */
    default Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing) {
        return ComposedCrossEntropy.forward(this, logits, targets, ignoreIndex, labelSmoothing);
    }

    /**
     * Backward of {@link #crossEntropy}: dlogits_n = g_n · (p_n − ((1−ε)·onehot(y_n) + ε/C)), zero rows where
     * ignored. {@code rowGrad (N)} is the upstream gradient of each row's loss.
     */
    default Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex,
                                        float labelSmoothing) {
        return ComposedCrossEntropy.backward(this, logits, targets, rowGrad, ignoreIndex, labelSmoothing);
    }

    /**
     * Cross-entropy and its logits gradient in one pass, IN PLACE: returns the per-row losses {@code (N)},
     * lₙ = −log softmax(logitsₙ)[yₙ] (0 where yₙ == ignoreIndex), and OVERWRITES {@code logits (N, V)} with
     * pₙ − onehot(yₙ), p = softmax(logitsₙ) (an all-zero row where ignored). The logits' values are lost: the
     * caller must own the tensor and nothing else may read it as logits afterwards. Targets are integer-valued,
     * each in [0, V) or equal to ignoreIndex, as for {@link #crossEntropy}. No label smoothing. This lets a
     * fused linear + cross-entropy keep a single {@code (N, V)} buffer from forward to backward.
     */
    default Tensor crossEntropyInPlace(Tensor logits, Tensor targets, int ignoreIndex) {
        return ComposedCrossEntropy.inPlace(this, logits, targets, ignoreIndex);
    }

    // ---------------------------------------------------------------- optimizer: in place, many tensors per call

    /**
     * One Adam or AdamW step ({@link AdamStep} has the formula) of every parameter in {@code params}, in place: θ, m,
     * v and vmax are written, g only read; every tensor is on this backend. Returns a rank-0 tensor that is 0 when
     * every value written is finite and NaN when one of θ, m, v or vmax it wrote is NaN or ±∞: a caller can guard
     * against a diverged update without another pass over the state, and reads it only if it wants to (on a GPU
     * that read waits for the step). A backend may do the whole list in one pass (one kernel launch), checking the
     * values as it writes them; the default updates one parameter after the other with primitives and then sums
     * 0·x over what it wrote.
     */
    default Tensor adamStep(AdamStep step, List<AdamStep.Param> params) {
        return ComposedOptim.adamStep(this, step, params);
    }

    /**
     * Σ over {@code xs} of Σ x², as a rank-0 tensor (0 for an empty list): the square of the global gradient norm,
     * without a squared copy of any tensor in a fused version.
     */
    default Tensor sumOfSquares(List<Tensor> xs) {
        return ComposedOptim.sumOfSquares(this, xs);
    }

    // ---------------------------------------------------------------- composed: the GPT block's fusions

    /**
     * y = gelu(h + b) with GPT-2's tanh GELU, {@code h (.., N)} and {@code bias (N)} broadcast over the rows: a
     * Linear's bias and the activation after it in one pass over h. {@code (.., N)}.
     */
    default Tensor biasGelu(Tensor h, Tensor bias) {
        return ComposedBiasGelu.forward(this, h, bias);
    }

    /**
     * Backward of {@link #biasGelu} to its pre-activation: du = dy ⊙ gelu'(h + b), {@code (.., N)}, computing
     * h + b again rather than reading a saved copy (dL/db is Σ_rows du).
     */
    default Tensor biasGeluBackward(Tensor dy, Tensor h, Tensor bias) {
        return ComposedBiasGelu.backward(this, dy, h, bias);
    }

    /**
     * A residual add and the layer norm after it, in one pass: for {@code x, a (.., C)}, h = x + a (the new
     * residual stream) and y = layerNorm(h) as {@link #layerNorm} computes it, with its mean and rstd {@code (..)}.
     */
    default ResidualLayerNormResult residualLayerNorm(Tensor x, Tensor a, Tensor gamma, Tensor beta, float eps) {
        return ComposedLayerNorm.residualForward(this, x, a, gamma, beta, eps);
    }

    /**
     * {@link #layerNormBackward} that adds its input gradient in place into {@code dx (.., C)}, the gradient already
     * accumulating for the layer norm's input (the residual stream's): dx ← dx + LN'(dy). Returns {@code dx} (the
     * same tensor), dγ and dβ. It saves the (.., C) temporary and the pass that would add it.
     */
    default LayerNormGrads layerNormBackwardInto(Tensor dx, Tensor dy, Tensor x, Tensor gamma, Tensor mean,
                                                 Tensor rstd) {
        return ComposedLayerNorm.backwardInto(this, dx, dy, x, gamma, mean, rstd);
    }

    /** Forward results of the residual add and layer norm: the sum h, the output y and y's statistics. */
    record ResidualLayerNormResult(Tensor sum, Tensor y, Tensor mean, Tensor rstd) {
    }

    /** Forward results of layer norm: the output and the per-row statistics saved for backward. */
    record LayerNormResult(Tensor y, Tensor mean, Tensor rstd) {
    }

    /** Forward results of causal attention: the output and the per-row log-sum-exp saved for backward. */
    record AttentionResult(Tensor out, Tensor lse) {
    }

    /** Gradients of layer norm with respect to its input and its affine parameters. */
    record LayerNormGrads(Tensor dx, Tensor dgamma, Tensor dbeta) {
    }
}
