package dev.descent.cuda;

import dev.descent.core.Backend.LayerNormGrads;
import dev.descent.core.Backend.LayerNormResult;
import dev.descent.core.Tensor;

/**
 * Layer norm forward (warp per row) and backward (dx warp per row; dγ, dβ as per-chunk column sums then a second
 * kernel adding the chunks in order: deterministic, no atomics), on {@code layernorm.cu}.
 */
final class CudaLayerNorm {
    private static final int WARPS_PER_BLOCK = 8;
    private static final int ROWS_PER_CHUNK = 64;

    private final CudaBackend backend;
    private final CudaDevice device;

    CudaLayerNorm(CudaBackend backend, CudaDevice device) {
        this.backend = backend;
        this.device = device;
    }

    private static LaunchShape warpPerRow(int rows) {
        return new LaunchShape(LaunchShape.ceilDiv(rows, WARPS_PER_BLOCK), 1, 1, 32 * WARPS_PER_BLOCK, 1, 1);
    }

    LayerNormResult forward(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int rows = CudaBackend.rows(x);
        int c = x.dim(-1);
        Tensor y = backend.empty(x.shape());
        Tensor mean = backend.empty(CudaBackend.rowShape(x));
        Tensor rstd = backend.empty(CudaBackend.rowShape(x));
        if (rows > 0 && c > 0) {
            device.launch(Kernels.LAYERNORM_FORWARD, warpPerRow(rows), rows, c, eps, backend.checked(x),
                    backend.checked(gamma), backend.checked(beta), y, mean, rstd);
        }
        return new LayerNormResult(y, mean, rstd);
    }

    LayerNormGrads backward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        int rows = CudaBackend.rows(x);
        int c = x.dim(-1);
        Tensor dx = backend.empty(x.shape());
        Tensor dgamma = backend.empty(gamma.shape());
        Tensor dbeta = backend.empty(gamma.shape());
        if (c == 0) {
            return new LayerNormGrads(dx, dgamma, dbeta);
        }
        if (rows > 0) {
            device.launch(Kernels.LAYERNORM_BACKWARD_DX, warpPerRow(rows), rows, c, backend.checked(dy),
                    backend.checked(x), backend.checked(gamma), backend.checked(mean), backend.checked(rstd), dx);
        }
        int rowsPerChunk = Math.max(ROWS_PER_CHUNK, LaunchShape.ceilDiv(rows, 65_535));
        int chunks = LaunchShape.ceilDiv(rows, rowsPerChunk);
        DeviceBuffer pgamma = backend.scratch(4L * chunks * c);
        DeviceBuffer pbeta = backend.scratch(4L * chunks * c);
        try {
            if (chunks > 0) {
                device.launch(Kernels.LAYERNORM_BACKWARD_PARAMS_PARTIAL,
                        new LaunchShape(LaunchShape.ceilDiv(c, 32), chunks, 1, 32, 8, 1), rows, c, rowsPerChunk,
                        backend.checked(dy), backend.checked(x), backend.checked(mean), backend.checked(rstd), pgamma,
                        pbeta);
            }
            device.launch(Kernels.LAYERNORM_BACKWARD_PARAMS_FINAL, LaunchShape.covering(c, 256), chunks, c, pgamma, pbeta,
                    dgamma, dbeta);
        } finally {
            pgamma.release();
            pbeta.release();
        }
        return new LayerNormGrads(dx, dgamma, dbeta);
    }
}
