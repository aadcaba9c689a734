package dev.descent.cuda.kernels.matmul;

import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.Kernels;
import java.util.Locale;

/**
 * Which code multiplies matrices: one of the hand-written versions of {@code matmul.cu} (v1 to v6, tile sizes as
 * macros), v7 of {@code matmul_v7.cu} (warp tiling, double buffering, transposed operands read in place, a tile size
 * chosen per shape), or cuBLAS SGEMM (the yardstick, optional fast path). {@link #DEFAULT} is v6, the fastest
 * version measured on a GPU so far (an H100, 2026-12-06). v7 is expected to be faster and is the only hand-written
 * one that makes no transposed copies, but it has so far run only in the CPU emulator: MatmulBenchmark and
 * scripts/gpu/run.sh measure it, and it becomes the default once a GPU run shows it correct and faster
 * ({@code DESCENT_MATMUL=v7} selects it now).
 */
public enum MatmulEngine {
    V1_NAIVE(Kernels.MATMUL_V1),
    V2_COALESCED(Kernels.MATMUL_V2),
    V3_SHARED_TILES(Kernels.MATMUL_V3),
    V4_REGISTER_1D(Kernels.MATMUL_V4),
    V5_REGISTER_2D(Kernels.MATMUL_V5),
    V6_VECTORIZED(Kernels.MATMUL_V6),
    V7_WARP_TILED(null),
    CUBLAS(null);

    public static final MatmulEngine DEFAULT = V6_VECTORIZED;

    private final KernelSpec kernel;

    MatmulEngine(KernelSpec kernel) {
        this.kernel = kernel;
    }

    /** The kernel of v1 to v6; null for v7 (two kernels, see {@link MatmulV7Tile}) and cuBLAS. */
    public KernelSpec kernel() {
        return kernel;
    }

    /** v1 to v6: one kernel whose tile sizes are {@code -D} macros ({@link MatmulConfig}). */
    public boolean tiledByMacros() {
        return kernel != null;
    }

    /** "v1" .. "v7" or "cublas" (case-insensitive), or a constant's name; the error lists the choices. */
    public static MatmulEngine parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (MatmulEngine e : values()) {
            if (t.equals(e.shortName()) || t.equals(e.name().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown matmul engine '" + text + "': use v1, v2, v3, v4, v5, v6, v7 or "
                + "cublas");
    }

    /** "v1" .. "v7" or "cublas". */
    public String shortName() {
        return this == CUBLAS ? "cublas" : "v" + (ordinal() + 1);
    }
}
