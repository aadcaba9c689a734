package dev.descent.cuda.kernels;

import dev.descent.core.Backend.AttentionResult;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;

/**
 * Fused causal self-attention on {@code attention.cu}: forward one warp per query row (online softmax, saves lse);
 * backward as two kernels, dq (and D_t = dout_t·out_t) per query row, then dk and dv per key row, each recomputing
 * the probabilities from lse: deterministic, no atomics, no T×T buffer.
 */
public final class CudaAttention {
    /** The kernels keep a row's accumulators in registers sized for this head size ({@code ATT_MAX_HS}). */
    static final int MAX_HEAD_SIZE = 128;
    private static final int WARPS_PER_BLOCK = 8;

    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaAttention(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    private static LaunchShape warpPerRow(int rows) {
        return new LaunchShape(LaunchShape.ceilDiv(rows, WARPS_PER_BLOCK), 1, 1, 32 * WARPS_PER_BLOCK, 1, 1);
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

    public AttentionResult forward(Tensor qkv, int heads) {
        int hs = headSize(qkv, heads);
        int b = qkv.dim(0);
        int t = qkv.dim(1);
        Tensor out = tensors.empty(Shape.of(b, t, heads * hs));
        Tensor lse = tensors.empty(Shape.of(b, heads, t));
        int rows = b * heads * t;
        if (rows > 0) {
            stream.launch(Kernels.ATTENTION_FORWARD, warpPerRow(rows), rows, t, heads, hs, scale(hs),
                    tensors.checked(qkv), out, lse);
        }
        return new AttentionResult(out, lse);
    }

    public Tensor backward(Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        int hs = headSize(qkv, heads);
        int t = qkv.dim(1);
        int rows = qkv.dim(0) * heads * t;
        Tensor dqkv = tensors.empty(qkv.shape());
        if (rows == 0) {
            return dqkv;
        }
        DeviceBuffer delta = tensors.scratch(4L * rows);
        try {
            stream.launch(Kernels.ATTENTION_BACKWARD_DQ, warpPerRow(rows), rows, t, heads, hs, scale(hs),
                    tensors.checked(qkv), tensors.checked(out), tensors.checked(lse), tensors.checked(dout), delta, dqkv);
            stream.launch(Kernels.ATTENTION_BACKWARD_DKV, warpPerRow(rows), rows, t, heads, hs, scale(hs),
                    tensors.checked(qkv), tensors.checked(lse), tensors.checked(dout), delta, dqkv);
        } finally {
            delta.release();
        }
        return dqkv;
    }
}
