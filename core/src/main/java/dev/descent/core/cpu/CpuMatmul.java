package dev.descent.core.cpu;

/**
 * C = A·B for row-major float matrices, blocked for the caches and split across cores.
 *
 * <p>The inner kernel is the "i-k-j" order: for one row of A and one k, add A[i][k] times row k of B to row i of
 * C. The innermost loop then walks B and C contiguously, which the JIT turns into SIMD code. Blocking over k
 * and j keeps the touched rows of B and C in cache while every row of the block reuses them.
 */
final class CpuMatmul {
    private static final int ROW_BLOCK = 16;
    private static final int K_BLOCK = 128;
    private static final int N_BLOCK = 1024;

    private CpuMatmul() {
    }

    /** C[cOff..] = A[aOff..] (M×K) · B[bOff..] (K×N); C is overwritten. */
    static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        int rowBlocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        Parallel.forRange(rowBlocks, (long) ROW_BLOCK * k * n, (from, to) -> {
            for (int block = from; block < to; block++) {
                int i0 = block * ROW_BLOCK;
                multiplyRows(a, aOff, b, bOff, c, cOff, i0, Math.min(m, i0 + ROW_BLOCK), k, n);
            }
        });
    }

    private static void multiplyRows(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                     int i0, int i1, int k, int n) {
        for (int j0 = 0; j0 < n; j0 += N_BLOCK) {
            int j1 = Math.min(n, j0 + N_BLOCK);
            for (int k0 = 0; k0 < k; k0 += K_BLOCK) {
                int k1 = Math.min(k, k0 + K_BLOCK);
                for (int i = i0; i < i1; i++) {
                    int cRow = cOff + i * n;
                    int aRow = aOff + i * k;
                    for (int kk = k0; kk < k1; kk++) {
                        float aik = a[aRow + kk];
                        int bRow = bOff + kk * n;
                        for (int j = j0; j < j1; j++) {
                            c[cRow + j] += aik * b[bRow + j];
                        }
                    }
                }
            }
        }
    }

    /** The transpose of a rows×cols row-major matrix at {@code off}, as a new cols×rows array. */
    static float[] transpose(float[] x, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        Parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int col = 0; col < cols; col++) {
                    t[col * rows + r] = x[off + r * cols + col];
                }
            }
        });
        return t;
    }
}
