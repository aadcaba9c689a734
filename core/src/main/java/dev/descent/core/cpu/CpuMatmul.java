package dev.descent.core.cpu;

/**
 * Batched C = op(A)·op(B) for row-major float matrices: the plain loop, which is the readable reference and the
 * oracle of the tests, and the dispatch to {@link PackedMatmul}, the fast path on the JDK's Vector API.
 */
final class CpuMatmul {
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
     * C is a new row-major {@code (batch, M, N)} array. Runs {@link PackedMatmul} when the Vector API is there,
     * the reference loop otherwise.
     */
    static float[] multiply(Operand a, Operand b, int batch, int m, int k, int n) {
        if (batch > 1 && b.batchStride() == 0 && a.rowsContinueAcrossBatches(m)) {
            // a shared B (a weight) and A's batches stacked row after row: one tall product
            return multiply(new Operand(a.data(), 0, a.rowStride(), a.colStride()), b, 1, batch * m, k, n);
        }
        if (!VectorApi.available()) {
            return reference(a, b, batch, m, k, n);
        }
        float[] c = new float[batch * m * n];
        PackedMatmul.multiply(a, b, batch, m, k, n, c);
        return c;
    }

    /** c[b][i][j] = Σ_kk a[b][i][kk]·b[b][kk][j], summed in float in the order of kk. */
    static float[] reference(Operand a, Operand b, int batch, int m, int k, int n) {
        float[] c = new float[batch * m * n];
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
}
