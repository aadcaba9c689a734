package dev.descent.cuda.kernels;

import dev.descent.core.Backend.AttentionResult;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;

/**
 * Fused causal self-attention on {@code attention.cu}, no T×T buffer and no atomics: forward with an online softmax
 * that saves lse; backward as two kernels, dq (and D_t = dout_t·out_t) per query row, then dk and dv per key row,
 * each recomputing the probabilities from lse. v1 runs one warp per row on global memory; v2 runs v1's arithmetic on
 * tiles of 32 rows shared through shared memory, in two head-size classes (up to 64, up to 128).
 */
public final class CudaAttention {
    /** The kernels keep a row's accumulators in registers sized for this head size ({@code ATT_MAX_HS}). */
    static final int MAX_HEAD_SIZE = 128;
    private static final int V1_WARPS_PER_BLOCK = 8;
    private static final int V2_THREADS = 128;

    private final CudaTensors tensors;
    private final KernelStream stream;
    private final AttentionVersion version;

    /** Attention on {@code stream} with {@code version}'s kernels unless a call names another. */
    public CudaAttention(CudaTensors tensors, KernelStream stream, AttentionVersion version) {
        this.tensors = tensors;
        this.stream = stream;
        this.version = version;
    }

    /** The kernels of one head-size class of v2, and the rows of T each block of them takes. */
    private record Tiled(KernelSpec forward, KernelSpec backwardDq, KernelSpec backwardDkv, int forwardRows,
                         int backwardRows) {
        static Tiled forHeadSize(int hs) {
            return hs <= 64
                    ? new Tiled(Kernels.ATTENTION_FORWARD_V2_HS64, Kernels.ATTENTION_BACKWARD_DQ_V2_HS64,
                    Kernels.ATTENTION_BACKWARD_DKV_V2_HS64, 16, 16)
                    : new Tiled(Kernels.ATTENTION_FORWARD_V2_HS128, Kernels.ATTENTION_BACKWARD_DQ_V2_HS128,
                    Kernels.ATTENTION_BACKWARD_DKV_V2_HS128, 16, 8);
        }
    }

    private static LaunchShape warpPerRow(int rows) {
        return new LaunchShape(LaunchShape.ceilDiv(rows, V1_WARPS_PER_BLOCK), 1, 1, 32 * V1_WARPS_PER_BLOCK, 1, 1);
    }

    /** v2: blocks of {@code rowsPerBlock} rows of T, one block row per (b, h). */
    private static LaunchShape tiles(int t, int batchHeads, int rowsPerBlock) {
        return new LaunchShape(LaunchShape.ceilDiv(t, rowsPerBlock), batchHeads, 1, V2_THREADS, 1, 1);
    }

    private static int headSize(Tensor qkv, int heads) {
        int hs = qkv.dim(2) / 3 / heads;
        if (hs > MAX_HEAD_SIZE) {
            throw new IllegalArgumentException("causalAttention on CUDA: head size " + hs + " (qkv " + qkv.shape()
                    + ", " + heads + " heads) exceeds the kernels' limit of " + MAX_HEAD_SIZE + "; use more heads");
        }
        return hs;
    }

    private static float scale(int hs) {
        return (float) (1 / Math.sqrt(hs));
    }

    /** qkv (B, T, 3C) -> out (B, T, C) and lse (B, heads, T), with the version this backend was started with. */
    public AttentionResult forward(Tensor qkv, int heads) {
        return forward(version, qkv, heads);
    }

    /** {@link #forward(Tensor, int)} with a chosen version (for tests and benchmarks). */
    public AttentionResult forward(AttentionVersion v, Tensor qkv, int heads) {
        int hs = headSize(qkv, heads);
        int b = qkv.dim(0);
        int t = qkv.dim(1);
        Tensor out = tensors.empty(Shape.of(b, t, heads * hs));
        Tensor lse = tensors.empty(Shape.of(b, heads, t));
        int rows = b * heads * t;
        if (rows == 0) {
            return new AttentionResult(out, lse);
        }
        if (v == AttentionVersion.V1_WARP_PER_ROW) {
            stream.launch(Kernels.ATTENTION_FORWARD, warpPerRow(rows), rows, t, heads, hs, scale(hs),
                    tensors.checked(qkv), out, lse);
        } else {
            Tiled k = Tiled.forHeadSize(hs);
            stream.launch(k.forward(), tiles(t, b * heads, k.forwardRows()), t, heads, hs, scale(hs),
                    tensors.checked(qkv), out, lse);
        }
        return new AttentionResult(out, lse);
    }

    /** dqkv (B, T, 3C) from dout (B, T, C) and the forward's qkv, out and lse, with this backend's version. */
    public Tensor backward(Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        return backward(version, dout, qkv, out, lse, heads);
    }

    /** {@link #backward(Tensor, Tensor, Tensor, Tensor, int)} with a chosen version (for tests and benchmarks). */
    public Tensor backward(AttentionVersion v, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        int hs = headSize(qkv, heads);
        int t = qkv.dim(1);
        int batchHeads = qkv.dim(0) * heads;
        int rows = batchHeads * t;
        Tensor dqkv = tensors.empty(qkv.shape());
        if (rows == 0) {
            return dqkv;
        }
        DeviceBuffer delta = tensors.scratch(4L * rows);
        try {
            if (v == AttentionVersion.V1_WARP_PER_ROW) {
                stream.launch(Kernels.ATTENTION_BACKWARD_DQ, warpPerRow(rows), rows, t, heads, hs, scale(hs),
                        tensors.checked(qkv), tensors.checked(out), tensors.checked(lse), tensors.checked(dout), delta,
                        dqkv);
                stream.launch(Kernels.ATTENTION_BACKWARD_DKV, warpPerRow(rows), rows, t, heads, hs, scale(hs),
                        tensors.checked(qkv), tensors.checked(lse), tensors.checked(dout), delta, dqkv);
            } else {
                Tiled k = Tiled.forHeadSize(hs);
                stream.launch(k.backwardDq(), tiles(t, batchHeads, k.backwardRows()), t, heads, hs, scale(hs),
                        tensors.checked(qkv), tensors.checked(out), tensors.checked(lse), tensors.checked(dout), delta,
                        dqkv);
                stream.launch(k.backwardDkv(), tiles(t, batchHeads, k.backwardRows()), t, heads, hs, scale(hs),
                        tensors.checked(qkv), tensors.checked(lse), tensors.checked(dout), delta, dqkv);
            }
        } finally {
            delta.release();
        }
        return dqkv;
    }
}
