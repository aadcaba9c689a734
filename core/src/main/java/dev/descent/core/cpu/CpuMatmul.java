package dev.descent.core.cpu;

import java.util.Arrays;

/**
 * Batched C = op(A)·op(B) for row-major float matrices: packed operands, a register-blocked inner kernel, tiles
 * spread over the cores.
 *
 * <p>Plan (the GEMM recipe of GotoBLAS/BLIS, bent to what HotSpot's C2 compiler vectorizes):
 * <ol>
 *   <li>B is packed once into panels of {@link #PANEL} columns. Each row of a panel is its own {@code float[]},
 *       so the kernel indexes every array it touches by the same {@code j}. C2 only turns a loop into SIMD code
 *       when it can see that its loads and stores cannot overlap; arrays indexed at different offsets of
 *       possibly-the-same array defeat it, equal indices do not.</li>
 *   <li>The work is cut into tiles of {@link #ROW_BLOCK} rows × one panel, for every batch entry; the tiles are
 *       shared among the cores, so both cores are busy even when M is small.</li>
 *   <li>A tile packs its rows of A in groups of {@link #ROWS}, k-major, zero-padded, and accumulates into row
 *       buffers of its own; K is walked in blocks of {@link #K_BLOCK} so the B rows in use stay in L2.</li>
 *   <li>The kernel updates {@link #ROWS} accumulator rows from {@link #K_STEP} B rows per pass: 8 fused
 *       multiply-adds per 8-float vector of C, for 2 loads of B, 4 loads and 4 stores of C. Bigger bodies
 *       (3×3, 4×3 rows × steps) vectorize on JDK 25 but not on JDK 17 once C2 inlines the kernel into the tile
 *       loops, which it does there; 4×2 vectorizes on both (checked on the disassembled compiled code).</li>
 * </ol>
 * Transposed operands cost nothing extra: packing reads them through strides. A product of at most
 * {@link #ROWS} rows with a transposed B (a Linear layer decoding one token) skips all this: packing would copy
 * the whole weight for one row of output, so each element is a dot product of two contiguous rows instead.
 */
final class CpuMatmul {
    /** Rows of C one kernel call updates. */
    private static final int ROWS = 4;
    /** B rows the kernel consumes per pass; K is zero-padded to a multiple of it. */
    private static final int K_STEP = 2;
    /** Columns of B (and C) per packed panel. */
    private static final int PANEL = 256;
    /** Steps of k per cache block: {@code K_BLOCK × PANEL} floats of B (128 KiB) stay in L2. */
    private static final int K_BLOCK = 64 * K_STEP;
    /** Rows of C per tile, a multiple of {@link #ROWS}. */
    private static final int ROW_BLOCK = 16 * ROWS;

    private CpuMatmul() {
    }

    /**
     * A matrix operand in a flat array: element (batch, row, col) of the logical matrix sits at
     * {@code batch·batchStride + row·rowStride + col·colStride}.
     */
    record Operand(float[] data, int batchStride, int rowStride, int colStride) {
        float get(int batch, int row, int col) {
            return data[batch * batchStride + row * rowStride + col * colStride];
        }

        /** A row-major {@code (batch.., rows, cols)} array, or its transpose over the last two axes. */
        static Operand of(float[] data, int batchCount, int rows, int cols, boolean transposed) {
            int batchStride = batchCount == 1 ? 0 : rows * cols;
            return transposed ? new Operand(data, batchStride, 1, cols) : new Operand(data, batchStride, cols, 1);
        }

        /** Whether the {@code rows} rows of one batch entry follow straight on from those of the previous one. */
        boolean rowsContinueAcrossBatches(int rows) {
            return batchStride == rows * rowStride;
        }
    }

    /**
     * C[b] = A[b]·B[b] for {@code b < batch}: A is {@code M×K}, B is {@code K×N} (batch stride 0 shares one B),
     * C is a new row-major {@code (batch, M, N)} array.
     */
    static float[] multiply(Operand a, Operand b, int batch, int m, int k, int n) {
        if (batch > 1 && b.batchStride() == 0 && a.rowsContinueAcrossBatches(m)) {
            return multiply(new Operand(a.data(), 0, a.rowStride(), a.colStride()), b, 1, batch * m, k, n);
        }
        if (batch == 1 && m <= ROWS && b.rowStride() == 1 && k > 0) {
            return fewRowsTimesTransposed(a, b, m, k, n);
        }
        float[] c = new float[batch * m * n];
        if (m == 0 || n == 0) {
            return c;
        }
        int kPad = (k + K_STEP - 1) / K_STEP * K_STEP;
        int panels = (n + PANEL - 1) / PANEL;
        int bCount = b.batchStride() == 0 ? 1 : batch;
        float[][] packedB = packB(b, bCount, k, n, kPad, panels);
        int rowBlocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
        int tileRows = Math.min(ROW_BLOCK, (m + ROWS - 1) / ROWS * ROWS);
        int tileCols = Math.min(PANEL, n);
        int tiles = batch * panels * rowBlocks;
        Parallel.forRange(tiles, 2L * tileRows * kPad * tileCols, (from, to) -> {
            float[] packedA = new float[tileRows * kPad];
            float[][] acc = new float[tileRows][tileCols];
            for (int t = from; t < to; t++) {
                int rowBlock = t % rowBlocks;
                int panel = t / rowBlocks % panels;
                int bi = t / rowBlocks / panels;
                int i0 = rowBlock * ROW_BLOCK;
                int rows = Math.min(ROW_BLOCK, m - i0);
                int j0 = panel * PANEL;
                int cols = Math.min(PANEL, n - j0);
                packA(a, bi, i0, rows, k, kPad, packedA);
                int firstRow = ((b.batchStride() == 0 ? 0 : bi) * panels + panel) * kPad;
                multiplyTile(packedA, packedB, firstRow, acc, rows, kPad, cols);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(acc[r], 0, c, (bi * m + i0 + r) * n + j0, cols);
                }
            }
        });
        return c;
    }

    /**
     * C = A·B for at most {@link #ROWS} rows of A and a B stored transposed (a Linear's weight W, B = Wᵀ): each
     * element c[i][j] = Σ_kk a[i][kk]·w[j][kk] is one dot product of two contiguous rows. This is decoding one
     * token at a time, where packing B (the whole weight, per call) would cost more than the product itself; each
     * row of W is read once, for every row of A.
     */
    private static float[] fewRowsTimesTransposed(Operand a, Operand b, int m, int k, int n) {
        float[][] rows = new float[m][k];
        for (int i = 0; i < m; i++) {
            for (int kk = 0; kk < k; kk++) {
                rows[i][kk] = a.get(0, i, kk);
            }
        }
        float[] c = new float[m * n];
        float[] w = b.data();
        Parallel.forRange(n, 2L * m * k, (from, to) -> {
            for (int j = from; j < to; j++) {
                for (int i = 0; i < m; i++) {
                    c[i * n + j] = dot(rows[i], w, j * b.colStride(), k);
                }
            }
        });
        return c;
    }

    /** Σ_kk x[kk]·w[base + kk] with four running sums (independent chains of fused multiply-adds), then added. */
    private static float dot(float[] x, float[] w, int base, int k) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int kk = 0;
        for (; kk + 3 < k; kk += 4) {
            s0 = Math.fma(x[kk], w[base + kk], s0);
            s1 = Math.fma(x[kk + 1], w[base + kk + 1], s1);
            s2 = Math.fma(x[kk + 2], w[base + kk + 2], s2);
            s3 = Math.fma(x[kk + 3], w[base + kk + 3], s3);
        }
        for (; kk < k; kk++) {
            s0 = Math.fma(x[kk], w[base + kk], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Packs B into rows of panels: row {@code (bi·panels + p)·kPad + kk} holds B[bi][kk][p·PANEL ..], rows past
     * K are zeros.
     */
    private static float[][] packB(Operand b, int bCount, int k, int n, int kPad, int panels) {
        float[][] packed = new float[bCount * panels * kPad][];
        Parallel.forRange(bCount * panels, (long) k * PANEL, (from, to) -> {
            for (int unit = from; unit < to; unit++) {
                int bi = unit / panels;
                int j0 = unit % panels * PANEL;
                int cols = Math.min(PANEL, n - j0);
                int first = unit * kPad;
                for (int kk = 0; kk < kPad; kk++) {
                    packed[first + kk] = new float[cols];
                }
                if (b.colStride() == 1) {
                    for (int kk = 0; kk < k; kk++) {
                        System.arraycopy(b.data(), bi * b.batchStride() + kk * b.rowStride() + j0,
                                packed[first + kk], 0, cols);
                    }
                    continue;
                }
                for (int j = 0; j < cols; j++) {
                    for (int kk = 0; kk < k; kk++) {
                        packed[first + kk][j] = b.get(bi, kk, j0 + j);
                    }
                }
            }
        });
        return packed;
    }

    /**
     * Packs rows {@code [i0, i0 + rows)} of A[bi] in groups of {@link #ROWS}: element (row r of group g, kk) at
     * {@code g·kPad·ROWS + kk·ROWS + r}; rows past {@code rows} and columns past K are zeros.
     */
    private static void packA(Operand a, int bi, int i0, int rows, int k, int kPad, float[] packed) {
        int groups = (rows + ROWS - 1) / ROWS;
        for (int g = 0; g < groups; g++) {
            int base = g * kPad * ROWS;
            for (int r = 0; r < ROWS; r++) {
                int row = g * ROWS + r;
                for (int kk = 0; kk < kPad; kk++) {
                    packed[base + kk * ROWS + r] = row < rows && kk < k ? a.get(bi, i0 + row, kk) : 0f;
                }
            }
        }
    }

    /** acc[0 .. rows)[0 .. cols) = packed A rows · packed B rows {@code [firstRow, firstRow + kPad)}. */
    private static void multiplyTile(float[] packedA, float[][] packedB, int firstRow, float[][] acc,
                                     int rows, int kPad, int cols) {
        int groups = (rows + ROWS - 1) / ROWS;
        for (int r = 0; r < groups * ROWS; r++) {
            Arrays.fill(acc[r], 0, cols, 0f);
        }
        for (int k0 = 0; k0 < kPad; k0 += K_BLOCK) {
            int k1 = Math.min(kPad, k0 + K_BLOCK);
            for (int g = 0; g < groups; g++) {
                kernel(packedA, g * kPad * ROWS, packedB, firstRow, k0, k1, acc, g * ROWS, cols);
            }
        }
    }

    /**
     * c_r[j] += Σ_kk a[r][kk]·b_kk[j] for the 4 rows r of one packed group and kk in {@code [k0, k1)}, 2 rows of
     * B per pass. Every array is indexed by {@code j} alone, which lets C2 vectorize the j loop.
     */
    private static void kernel(float[] a, int aBase, float[][] b, int firstRow, int k0, int k1,
                               float[][] c, int cRow, int cols) {
        float[] c0 = c[cRow];
        float[] c1 = c[cRow + 1];
        float[] c2 = c[cRow + 2];
        float[] c3 = c[cRow + 3];
        for (int kk = k0; kk < k1; kk += K_STEP) {
            int p = aBase + kk * ROWS;
            float a00 = a[p], a10 = a[p + 1], a20 = a[p + 2], a30 = a[p + 3];
            float a01 = a[p + 4], a11 = a[p + 5], a21 = a[p + 6], a31 = a[p + 7];
            float[] b0 = b[firstRow + kk];
            float[] b1 = b[firstRow + kk + 1];
            for (int j = 0; j < cols; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                c0[j] = Math.fma(a01, x1, Math.fma(a00, x0, c0[j]));
                c1[j] = Math.fma(a11, x1, Math.fma(a10, x0, c1[j]));
                c2[j] = Math.fma(a21, x1, Math.fma(a20, x0, c2[j]));
                c3[j] = Math.fma(a31, x1, Math.fma(a30, x0, c3[j]));
            }
        }
    }
}
