package dev.descent.cuda.kernels;

import dev.descent.core.Backend.LayerNormGrads;
import dev.descent.core.Backend.LayerNormResult;
import dev.descent.core.Backend.ResidualLayerNormResult;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;

/**
 * Layer norm forward (warp per row; also fused with the residual add before it) and backward (dx warp per row,
 * optionally added into the residual stream's gradient; dγ, dβ as per-chunk column sums then a second kernel adding
 * the chunks in order: deterministic, no atomics), on {@code layernorm.cu}.
 */
public final class CudaLayerNorm {
    private static final int WARPS_PER_BLOCK = 8;
    private static final int ROWS_PER_CHUNK = 64;

    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaLayerNorm(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    private static LaunchShape warpPerRow(int rows) {
        return new LaunchShape(LaunchShape.ceilDiv(rows, WARPS_PER_BLOCK), 1, 1, 32 * WARPS_PER_BLOCK, 1, 1);
    }

    public LayerNormResult forward(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int rows = Rows.count(x);
        int c = x.dim(-1);
        Tensor y = tensors.empty(x.shape());
        Tensor mean = tensors.empty(Rows.shape(x));
        Tensor rstd = tensors.empty(Rows.shape(x));
        if (rows > 0 && c > 0) {
            stream.launch(Kernels.LAYERNORM_FORWARD, warpPerRow(rows), rows, c, eps, tensors.checked(x),
                    tensors.checked(gamma), tensors.checked(beta), y, mean, rstd);
        }
        return new LayerNormResult(y, mean, rstd);
    }

    /** h = x + a and y = layerNorm(h) in one kernel. */
    public ResidualLayerNormResult residualForward(Tensor x, Tensor a, Tensor gamma, Tensor beta, float eps) {
        int rows = Rows.count(x);
        int c = x.dim(-1);
        Tensor h = tensors.empty(x.shape());
        Tensor y = tensors.empty(x.shape());
        Tensor mean = tensors.empty(Rows.shape(x));
        Tensor rstd = tensors.empty(Rows.shape(x));
        if (rows > 0 && c > 0) {
            stream.launch(Kernels.RESIDUAL_LAYERNORM_FORWARD, warpPerRow(rows), rows, c, eps, tensors.checked(x),
                    tensors.checked(a), tensors.checked(gamma), tensors.checked(beta), h, y, mean, rstd);
        }
        return new ResidualLayerNormResult(h, y, mean, rstd);
    }

    /** dx, dγ and dβ, into a new dx. */
    public LayerNormGrads backward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        return backward(tensors.empty(x.shape()), false, dy, x, gamma, mean, rstd);
    }

    /** dx ← dx + LN'(dy) in the dx kernel itself; dγ and dβ as {@link #backward}. */
    public LayerNormGrads backwardInto(Tensor dx, Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        return backward(tensors.checked(dx), true, dy, x, gamma, mean, rstd);
    }

    private LayerNormGrads backward(Tensor dx, boolean accumulate, Tensor dy, Tensor x, Tensor gamma, Tensor mean,
                                    Tensor rstd) {
        int rows = Rows.count(x);
        int c = x.dim(-1);
        Tensor dgamma = tensors.empty(gamma.shape());
        Tensor dbeta = tensors.empty(gamma.shape());
        if (c == 0) {
            return new LayerNormGrads(dx, dgamma, dbeta);
        }
        if (rows > 0) {
            stream.launch(Kernels.LAYERNORM_BACKWARD_DX, warpPerRow(rows), rows, c, tensors.checked(dy),
                    tensors.checked(x), tensors.checked(gamma), tensors.checked(mean), tensors.checked(rstd), dx,
                    accumulate ? 1 : 0);
        }
        int rowsPerChunk = Math.max(ROWS_PER_CHUNK, LaunchShape.ceilDiv(rows, 65_535));
        int chunks = LaunchShape.ceilDiv(rows, rowsPerChunk);
        DeviceBuffer pgamma = tensors.scratch(4L * chunks * c);
        DeviceBuffer pbeta = tensors.scratch(4L * chunks * c);
        try {
            if (chunks > 0) {
                stream.launch(Kernels.LAYERNORM_BACKWARD_PARAMS_PARTIAL,
                        new LaunchShape(LaunchShape.ceilDiv(c, 32), chunks, 1, 32, 8, 1), rows, c, rowsPerChunk,
                        tensors.checked(dy), tensors.checked(x), tensors.checked(mean), tensors.checked(rstd), pgamma,
                        pbeta);
            }
            stream.launch(Kernels.LAYERNORM_BACKWARD_PARAMS_FINAL, LaunchShape.covering(c, 256), chunks, c, pgamma, pbeta,
                    dgamma, dbeta);
        } finally {
            pgamma.release();
            pbeta.release();
        }
        return new LayerNormGrads(dx, dgamma, dbeta);
    }
}
