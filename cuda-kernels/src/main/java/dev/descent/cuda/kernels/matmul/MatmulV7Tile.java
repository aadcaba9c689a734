package dev.descent.cuda.kernels.matmul;

import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.Kernels;
import dev.descent.cuda.kernels.LaunchShape;
import java.util.Locale;

/**
 * The two tile sizes of matmul v7 ({@code matmul_v7.cu}) and which one a product gets: the large tiles reuse each
 * loaded element more, the small ones make four times the blocks. A product takes the large tiles when they still
 * give every multiprocessor at least {@value #BLOCKS_PER_SM} blocks, the small ones otherwise (on an H100's 132
 * multiprocessors, GPT-2's 2048 × 768 projections: 96 large blocks, so small; 2048 × 2304 qkv: 288, so large).
 */
public enum MatmulV7Tile {
    LARGE(Kernels.MATMUL_V7_LARGE, 128, 128),
    SMALL(Kernels.MATMUL_V7_SMALL, 64, 64);

    /** Blocks per multiprocessor below which the large tiles would leave the GPU partly idle. */
    static final int BLOCKS_PER_SM = 2;
    private static final int THREADS = 256;

    private final KernelSpec kernel;
    private final int bm;
    private final int bn;

    MatmulV7Tile(KernelSpec kernel, int bm, int bn) {
        this.kernel = kernel;
        this.bm = bm;
        this.bn = bn;
    }

    public KernelSpec kernel() {
        return kernel;
    }

    /** The tile for C (M, N) repeated over {@code batch} on a GPU of {@code multiprocessors}. */
    public static MatmulV7Tile choose(int m, int n, int batch, int multiprocessors) {
        long large = (long) LaunchShape.ceilDiv(m, LARGE.bm) * LaunchShape.ceilDiv(n, LARGE.bn) * batch;
        return large >= (long) BLOCKS_PER_SM * multiprocessors ? LARGE : SMALL;
    }

    /** grid (⌈N/BN⌉, ⌈M/BM⌉, batch), block (256). */
    public LaunchShape shape(int m, int n, int batch) {
        return new LaunchShape(LaunchShape.ceilDiv(n, bn), LaunchShape.ceilDiv(m, bm), batch, THREADS, 1, 1);
    }

    /** E.g. {@code v7 large 128x128}. */
    public String label() {
        return "v7 " + name().toLowerCase(Locale.ROOT) + " " + bm + "x" + bn;
    }
}
