package dev.descent.cuda;

import dev.descent.cuda.compile.PtxCache;
import dev.descent.cuda.kernels.AttentionVersion;
import dev.descent.cuda.kernels.SoftmaxVersion;
import dev.descent.cuda.kernels.matmul.MatmulEngine;
import dev.descent.cuda.memory.ByteSize;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to start the CUDA backend.
 *
 * @param device          the device ordinal
 * @param vramLimitBytes  a hard cap on device memory the allocator may hold (0 = none), e.g. {@code 8g} to hold an
 *                        8 GB card's budget on a bigger one
 * @param matmul          the matrix-multiply engine
 * @param softmax         the softmax forward version
 * @param attention       the attention kernels' version
 * @param syncEveryLaunch synchronise after every kernel so an error names its kernel (slow; for debugging)
 * @param ptxCacheDir     where compiled PTX is kept; null for {@link PtxCache#defaultCache()}
 */
public record CudaOptions(int device, long vramLimitBytes, MatmulEngine matmul, SoftmaxVersion softmax,
                          AttentionVersion attention, boolean syncEveryLaunch, Path ptxCacheDir) {

    public CudaOptions {
        if (vramLimitBytes < 0) {
            throw new IllegalArgumentException("vramLimitBytes must be >= 0 (0 = no cap), got " + vramLimitBytes);
        }
    }

    /**
     * Defaults, overridden by the environment: {@code DESCENT_VRAM_LIMIT} (e.g. 8g), {@code DESCENT_MATMUL}
     * (v1..v7, cublas), {@code DESCENT_ATTENTION} (v1, v2), {@code DESCENT_CUDA_SYNC=1}, {@code DESCENT_CUDA_DEVICE}.
     */
    public static CudaOptions defaults() {
        return fromEnvironment(System.getenv());
    }

    static CudaOptions fromEnvironment(Map<String, String> env) {
        String limit = env.get("DESCENT_VRAM_LIMIT");
        String matmul = env.get("DESCENT_MATMUL");
        String device = env.get("DESCENT_CUDA_DEVICE");
        String attention = env.get("DESCENT_ATTENTION");
        return new CudaOptions(device == null ? 0 : Integer.parseInt(device.strip()),
                limit == null ? 0 : ByteSize.parse(limit), matmul == null ? MatmulEngine.DEFAULT : MatmulEngine.parse(matmul),
                SoftmaxVersion.DEFAULT, attention == null ? AttentionVersion.DEFAULT : AttentionVersion.parse(attention),
                "1".equals(env.get("DESCENT_CUDA_SYNC")), null);
    }

    public CudaOptions withDevice(int ordinal) {
        return new CudaOptions(ordinal, vramLimitBytes, matmul, softmax, attention, syncEveryLaunch, ptxCacheDir);
    }

    /** A cap written like {@code 8g} or {@code 7.5GiB} (see {@link ByteSize}); "0" removes it. */
    public CudaOptions withVramLimit(String size) {
        return new CudaOptions(device, ByteSize.parse(size), matmul, softmax, attention, syncEveryLaunch, ptxCacheDir);
    }

    public CudaOptions withMatmul(MatmulEngine engine) {
        return new CudaOptions(device, vramLimitBytes, engine, softmax, attention, syncEveryLaunch, ptxCacheDir);
    }

    public CudaOptions withSoftmax(SoftmaxVersion version) {
        return new CudaOptions(device, vramLimitBytes, matmul, version, attention, syncEveryLaunch, ptxCacheDir);
    }

    public CudaOptions withAttention(AttentionVersion version) {
        return new CudaOptions(device, vramLimitBytes, matmul, softmax, version, syncEveryLaunch, ptxCacheDir);
    }

    public CudaOptions withSyncEveryLaunch(boolean sync) {
        return new CudaOptions(device, vramLimitBytes, matmul, softmax, attention, sync, ptxCacheDir);
    }

    public CudaOptions withPtxCacheDir(Path dir) {
        return new CudaOptions(device, vramLimitBytes, matmul, softmax, attention, syncEveryLaunch, dir);
    }
}
