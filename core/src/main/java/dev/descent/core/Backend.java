package dev.descent.core;

import java.util.List;

/**
 * The seam between the math and the machine. Every loop over tensor data lives behind this interface: Tensor,
 * autograd, the ops, nn and optim only call these primitives, so the same model runs on the CPU reference
 * backend and on the CUDA backend unchanged.
 *
 * <p>Inputs are contiguous row-major tensors on this backend; every primitive returns a new tensor (no
 * autograd fields) except the in-place ones ({@link #copyInto}, {@link #addInto}, {@link #scaleInPlace}), which
 * write into an existing one. Shapes are checked by the callers (the ops), so a backend may assume they are valid.
 *
 * <p>Memory: every tensor a backend makes belongs to the innermost open {@link MemoryScope} ({@link #scope()})
 * and is released when that scope closes, unless kept; {@link #memory()} reports what is held.
 */
public interface Backend {

    /** A short device name for messages, e.g. {@code cpu} or {@code cuda:0}. */
    String name();

    /** A tensor holding a copy of {@code data}, laid out row-major as {@code shape}. */
    Tensor fromArray(float[] data, Shape shape);

    /** The tensor's values copied to a new host array (a device-to-host transfer on a GPU). */
    float[] toArray(Tensor x);

    /** A tensor of {@code shape} with every element equal to {@code value}. */
    Tensor full(Shape shape, float value);

    /** Standard normal values drawn from {@code rng} in row-major order (same numbers on every backend). */
    Tensor randn(Shape shape, Rng rng);

    /** Uniform [0, 1) values drawn from {@code rng} in row-major order (same numbers on every backend). */
    Tensor rand(Shape shape, Rng rng);

    /** Copies {@code src}'s values into {@code dst} (same number of elements), in place. */
    void copyInto(Tensor dst, Tensor src);

    /** dst ← dst + src in place, {@code src} broadcast to {@code dst}'s shape (how gradients accumulate). */
    void addInto(Tensor dst, Tensor src);

    /** x ← s·x in place. */
    void scaleInPlace(Tensor x, float s);

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

    /** y = f(a, s) elementwise with a scalar right operand. */
    Tensor binaryScalar(BinaryOp op, Tensor a, float s);

    /** y = cond ≠ 0 ? a : b, all three broadcast together. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** Reduces one axis, keeping it with size 1: {@code (.., n, ..) -> (.., 1, ..)}. */
    Tensor reduce(ReduceOp op, Tensor x, int axis);

    /** Materialises the broadcast of {@code x} to {@code shape} (which {@code x} broadcasts to). */
    Tensor broadcastTo(Tensor x, Shape shape);

    /**
     * Batched matrix product. {@code a} is {@code (batch.., M, K)} (or {@code (batch.., K, M)} when
     * {@code transA}), {@code b} is {@code (batch.., K, N)} (or {@code (batch.., N, K)} when {@code transB}),
     * with equal batch dimensions, or {@code b} of rank 2 shared by every batch. Result {@code (batch.., M, N)}.
     */
    Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB);

    /** Reorders the axes: output axis i is input axis {@code axes[i]}; the data is copied. */
    Tensor permute(Tensor x, int[] axes);

    /** The elements with index in {@code [start, end)} along {@code axis}, copied. */
    Tensor slice(Tensor x, int axis, int start, int end);

    /** Joins tensors that agree on every axis except {@code axis}. */
    Tensor concat(List<Tensor> xs, int axis);

    /** Softmax (or log-softmax when {@code log}) over the last axis, max-subtracted for stability. */
    Tensor softmax(Tensor x, boolean log);

    /**
     * Backward of {@link #softmax}. With y = softmax(x): dx = y ⊙ (g − Σ g⊙y). With y = log-softmax(x):
     * dx = g − e^y · Σ g (sums over the last axis).
     */
    Tensor softmaxBackward(Tensor y, Tensor g, boolean log);

    /** Layer normalisation over the last axis of {@code x (N.., C)} with {@code gamma, beta (C)}. */
    LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /** Backward of {@link #layerNorm} from the saved mean and rstd. */
    LayerNormGrads layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd);

    /**
     * Fused causal self-attention that keeps no T×T matrix. {@code qkv (B, T, 3C)} holds [q | k | v] along its last
     * axis; head h of q is channels h·hs..(h+1)·hs−1 of the q third (hs = C/heads), likewise for k and v. Per (b, h)
     * and query t, with scale = 1/√hs: lse_t = log Σ_{s≤t} exp(q_t·k_s·scale), out_t = Σ_{s≤t}
     * exp(q_t·k_s·scale − lse_t)·v_s. Returns {@code out (B, T, C)} with heads merged back (channel h·hs + d) and
     * {@code lse (B, heads, T)}, the only statistics backward needs.
     */
    AttentionResult attention(Tensor qkv, int heads);

    /**
     * Backward of {@link #attention}, recomputing the scores. Per (b, h), with p_ts = exp(q_t·k_s·scale − lse_t) for
     * s ≤ t and D_t = dout_t·out_t: dv_s = Σ_{t≥s} p_ts·dout_t, ds_ts = p_ts·(dout_t·v_s − D_t),
     * dq_t = scale·Σ_{s≤t} ds_ts·k_s, dk_s = scale·Σ_{t≥s} ds_ts·q_t. Result {@code dqkv (B, T, 3C)}.
     */
    Tensor attentionBackward(Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads);

    /** Row lookup: {@code table (V, C)}, integer-valued {@code ids (..)} -> {@code (.., C)}. */
    Tensor embedding(Tensor table, Tensor ids);

    /** Scatter-add of {@code g (.., C)} into a zero {@code (vocab, C)} table; repeated ids accumulate. */
    Tensor embeddingBackward(Tensor g, Tensor ids, int vocab);

    /**
     * Per-row cross-entropy of {@code logits (N, C)} against integer-valued {@code targets (N)}:
     * l = (1−ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c), and 0 where target == ignoreIndex. Result {@code (N)}.
     */
    Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing);

    /**
     * Backward of {@link #crossEntropy}: dlogits_n = g_n · (p_n − ((1−ε)·onehot(y_n) + ε/C)), zero rows where
     * ignored. {@code rowGrad (N)} is the upstream gradient of each row's loss.
     */
    Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex, float labelSmoothing);

    /**
     * Cross-entropy and its logits gradient in one pass, IN PLACE: returns the per-row losses {@code (N)},
     * lₙ = −log softmax(logitsₙ)[yₙ] (0 where yₙ == ignoreIndex), and OVERWRITES {@code logits (N, V)} with
     * pₙ − onehot(yₙ), p = softmax(logitsₙ) (an all-zero row where ignored). The logits' values are lost: the
     * caller must own the tensor and nothing else may read it as logits afterwards. Targets are integer-valued,
     * each in [0, V) or equal to ignoreIndex, as for {@link #crossEntropy}. No label smoothing. This lets a
     * fused linear + cross-entropy keep a single {@code (N, V)} buffer from forward to backward.
     */
    Tensor crossEntropyInPlace(Tensor logits, Tensor targets, int ignoreIndex);

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
