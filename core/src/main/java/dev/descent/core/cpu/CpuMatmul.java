package dev.descent.core.cpu;

/**
 * Batched C = op(A)·op(B) for row-major float matrices: the plain loop, which is the readable reference and the
 * oracle of the tests, and the dispatch to {@link PackedMatmul}, the fast path on the JDK's Vector API. A product
 * of at most {@link #FEW_ROWS} rows with a transposed B (a Linear layer decoding one token) skips packing: it would
 * copy the whole weight for a few rows of output, so each element is a dot product of two contiguous rows instead.
 */
final class CpuMatmul {
    /** Most rows of A that {@link #fewRowsTimesTransposed} takes instead of the packed product. */
    private static final int FEW_ROWS = 4;

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

        /** The same elements read as the transpose: (batch, row, col) here is (batch, col, row) there. */
        Operand transposed() {
            return new Operand(data, batchStride, colStride, rowStride);
        }

        /** Whether the {@code rows} rows of one batch entry follow straight on from those of the previous one. */
        boolean rowsContinueAcrossBatches(int rows) {
            return batchStride == rows * rowStride;
        }
    }

    /**
     * C[b] = A[b]·B[b] for {@code b < batch}: A is {@code M×K}, B is {@code K×N} (batch stride 0 shares one B),
     * C is a new row-major {@code (batch, M, N)} array. Runs {@link #fewRowsTimesTransposed} for a few rows times
     * a transposed B, else {@link PackedMatmul} when the Vector API is there and the reference loop otherwise.
     */
    static float[] multiply(Operand a, Operand b, int batch, int m, int k, int n) {
        if (batch > 1 && b.batchStride() == 0 && a.rowsContinueAcrossBatches(m)) {
            // a shared B (a weight) and A's batches stacked row after row: one tall product
            return multiply(new Operand(a.data(), 0, a.rowStride(), a.colStride()), b, 1, batch * m, k, n);
        }
        if (batch == 1 && m <= FEW_ROWS && b.rowStride() == 1 && k > 0) {
            return fewRowsTimesTransposed(a, b, m, k, n);
        }
        if (!VectorApi.available()) {
            return reference(a, b, batch, m, k, n);
        }
        float[] c = CpuMemory.arrayToOverwrite(batch * m * n);
        PackedMatmul.multiply(a, b, batch, m, k, n, c);
        return c;
    }

    /** c[b][i][j] = Σ_kk a[b][i][kk]·b[b][kk][j], summed in float in the order of kk. */
    static float[] reference(Operand a, Operand b, int batch, int m, int k, int n) {
        float[] c = CpuMemory.zeroedArray(batch * m * n);
        Parallel.forRange(batch * m, 2L * k * n, (from, to) -> {
            for (int row = from; row < to; row++) {
                int bi = row / m;
                int i = row % m;
                for (int kk = 0; kk < k; kk++) {
                    float x = a.get(bi, i, kk);
                    for (int j = 0; j < n; j++) {
                        c[row * n + j] += x * b.get(bi, kk, j);
                    }
                }
            }
        });
        return c;
    }

    /**
     * C = A·B for at most {@link #FEW_ROWS} rows of A and a B stored transposed (a Linear's weight W, B = Wᵀ): each
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
        float[] c = CpuMemory.arrayToOverwrite(m * n);
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
}
