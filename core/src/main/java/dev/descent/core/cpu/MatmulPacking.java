package dev.descent.core.cpu;

import static dev.descent.core.cpu.PackedMatmul.KC;
import static dev.descent.core.cpu.PackedMatmul.MR;
import static dev.descent.core.cpu.PackedMatmul.NR;
import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import dev.descent.core.cpu.CpuMatmul.Operand;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The copies {@link PackedMatmul}'s micro-kernel reads its operands from: A's rows at a stride of
 * {@link PackedMatmul#KC}, B in panels of {@link PackedMatmul#NR} columns, k-major. Rows that stay rows are copied
 * whole (A by {@code System.arraycopy}, B a vector at a time: 0.09 ns per float, one core of the AMD EPYC these
 * were measured on); the copies that turn rows into columns (a transposed B's panels, a transposed A's rows,
 * {@link #transpose}) gather L floats at a time into a vector where the stride suits the cache, and elsewhere move
 * one float at a time (0.3 to 0.5 ns per float).
 *
 * <p>Why not shuffle whole vectors there: a 4-row interleave by two rounds of zips ran at 0.09 ns per float on
 * JDK 25 but 0.5 on JDK 17, whose C2 gives up inlining the Vector API calls once a method holds that many (it
 * then boxes every vector). For the same reason the panel-row copy sits in a small method of its own: inside
 * {@link #packPanels} JDK 17 ran it at 0.8 ns per float.
 */
final class MatmulPacking {
    /**
     * Steps of k per pass of the copies that turn rows into columns: the destination lines they fill stay in L1
     * until they are full (measured on operands in memory, not cache: 1 to 1.4 ns per float against 3.3 to 3.9
     * one step of k at a time).
     */
    private static final int TRANSPOSE_STEPS = 16;
    /**
     * Floats of a stride (2 KiB) at a multiple of which the L or 2·L lines that {@link #gather}s read together fall
     * into at most two sets of a 4 KiB-periodic L1 cache and evict each other before the next gathers read them
     * again: there a float at a time, a line at a time, runs faster (B of 3072 × 768 transposed, Zen 5: gathers 4%
     * slower).
     */
    private static final int GATHER_ALIASING = 512;
    /** Each thread's index map for {@link #gather}. */
    private static final ThreadLocal<int[]> COLUMN_OFFSETS = ThreadLocal.withInitial(() -> new int[L]);

    private MatmulPacking() {
    }

    /**
     * Packs panels {@code [from, to)} of rows [k0, k0 + depth) × columns [n0, n) of B[bi]: panel q holds columns
     * n0 + q·NR .. in {@code steps = paddedSteps(depth)} rows, element (kk, jj) at
     * {@code offset + (q·steps + kk)·NR + jj}, columns past N and rows past depth zero.
     */
    static void packPanels(Operand b, int bi, int k0, int depth, int n0, int n, float[] packed, int offset, int from,
                           int to) {
        int steps = PackedMatmul.paddedSteps(depth);
        for (int q = from; q < to; q++) {
            int panel = offset + q * steps * NR;
            Arrays.fill(packed, panel + depth * NR, panel + steps * NR, 0f);
        }
        if (b.colStride() == 1) {
            packRows(b, bi, k0, depth, steps, n0, n, packed, offset, from, to);
            return;
        }
        float[] src = b.data();
        int base = bi * b.batchStride();
        int[] columns = gatherMap(b.colStride());
        for (int q = from; q < to; q++) {
            int j = n0 + q * NR;
            int cols = Math.min(NR, n - j);
            int dst = offset + q * steps * NR;
            if (columns != null && cols == NR) {
                gatherPanel(src, base + j * b.colStride() + k0, b.colStride(), depth, columns, packed, dst);
                continue;
            }
            if (cols < NR) {
                Arrays.fill(packed, dst, dst + depth * NR, 0f);
            }
            for (int kb = 0; kb < depth; kb += TRANSPOSE_STEPS) {
                int ke = Math.min(depth, kb + TRANSPOSE_STEPS);
                for (int jj = 0; jj < cols; jj++) {
                    int at = base + (j + jj) * b.colStride() + k0;
                    for (int kk = kb; kk < ke; kk++) {
                        packed[dst + kk * NR + jj] = src[at + kk];
                    }
                }
            }
        }
    }

    /**
     * packed[dst + kk·NR + jj] = src[at + jj·stride + kk] for kk &lt; depth and jj &lt; NR: a whole panel of a
     * transposed B, each row of the panel two gathers of L floats, which ran 30% faster than a float at a time
     * (0.62 against 0.88 ms for a 768 × 2304 B on one Zen 5 core, JDK 17; 0.63 against 0.84 on JDK 25).
     */
    private static void gatherPanel(float[] src, int at, int stride, int depth, int[] columns, float[] packed,
                                    int dst) {
        int second = at + L * stride;
        for (int kk = 0; kk < depth; kk++) {
            gather(src, at + kk, columns, packed, dst + kk * NR);
            gather(src, second + kk, columns, packed, dst + kk * NR + L);
        }
    }

    /**
     * to[j·rows + i] = from[i·cols + j]: a (rows, cols) matrix transposed on all cores, in tiles of
     * {@link #TRANSPOSE_STEPS}² floats (one cache line per row on each side), each row of a tile of {@code to} made
     * of gathers down from's columns where that suits the cache (3.0 against 4.6 ms a float at a time for a
     * 128 × 50304 matrix on two Zen 5 cores).
     */
    static void transpose(float[] from, int rows, int cols, float[] to) {
        int tile = TRANSPOSE_STEPS;
        Parallel.forRange((rows + tile - 1) / tile, 2L * tile * cols, (first, last) -> {
            int[] columns = gatherMap(cols);
            for (int i0 = first * tile; i0 < Math.min(rows, last * tile); i0 += tile) {
                int i1 = Math.min(rows, i0 + tile);
                for (int j0 = 0; j0 < cols; j0 += tile) {
                    for (int j = j0; j < Math.min(cols, j0 + tile); j++) {
                        int i = i0;
                        while (columns != null && i + L <= i1) {
                            gather(from, i * cols + j, columns, to, j * rows + i);
                            i += L;
                        }
                        for (; i < i1; i++) {
                            to[j * rows + i] = from[i * cols + j];
                        }
                    }
                }
            }
        });
    }

    /** packed[into + i] = src[at + columns[i]] for the L lanes i. */
    private static void gather(float[] src, int at, int[] columns, float[] packed, int into) {
        FloatVector.fromArray(SPECIES, src, at, columns, 0).intoArray(packed, into);
    }

    /**
     * This thread's index map of a gather down a column, {@code i·stride} for lane i; null where the stride is a
     * multiple of {@link #GATHER_ALIASING} and the copy goes a float at a time instead.
     */
    private static int[] gatherMap(int stride) {
        if (stride % GATHER_ALIASING == 0) {
            return null;
        }
        int[] columns = COLUMN_OFFSETS.get();
        for (int i = 0; i < L; i++) {
            columns[i] = i * stride;
        }
        return columns;
    }

    /**
     * {@link #packPanels} for a row-major B, row by row: each row of B is read as one run across the panels (the
     * hardware prefetcher follows it; panel by panel, every row was a jump to another page).
     */
    private static void packRows(Operand b, int bi, int k0, int depth, int steps, int n0, int n, float[] packed,
                                 int offset, int from, int to) {
        float[] src = b.data();
        for (int kk = 0; kk < depth; kk++) {
            int row = bi * b.batchStride() + (k0 + kk) * b.rowStride() + n0;
            for (int q = from; q < to; q++) {
                int cols = Math.min(NR, n - n0 - q * NR);
                int at = row + q * NR;
                int into = offset + (q * steps + kk) * NR;
                if (cols == NR) {
                    copyPanelRow(src, at, packed, into);
                } else {
                    System.arraycopy(src, at, packed, into, cols);
                    Arrays.fill(packed, into + cols, into + NR, 0f);
                }
            }
        }
    }

    /** packed[into .. into + NR) = src[at .. at + NR). */
    private static void copyPanelRow(float[] src, int at, float[] packed, int into) {
        FloatVector.fromArray(SPECIES, src, at).intoArray(packed, into);
        FloatVector.fromArray(SPECIES, src, at + L).intoArray(packed, into + L);
    }

    /**
     * Packs A[bi][i0 .. i1)[kStart .. kStart+kc) into slivers of MR rows, row by row at a stride of
     * {@link PackedMatmul#KC}: element (i, kk) at {@code (i − i0)·KC + kk}, rows past i1 zero, and columns kc ..
     * {@link PackedMatmul#paddedSteps}(kc) zero. A row-major A is then copied a row at a time.
     */
    static void packA(Operand a, int bi, int i0, int i1, int kStart, int kc, float[] packed) {
        int rows = i1 - i0;
        int steps = PackedMatmul.paddedSteps(kc);
        for (int r = 0; r < PackedMatmul.roundUp(rows, MR); r++) {
            Arrays.fill(packed, r * KC + (r < rows ? kc : 0), r * KC + steps, 0f);
        }
        float[] src = a.data();
        if (a.colStride() == 1) {
            int base = bi * a.batchStride() + i0 * a.rowStride() + kStart;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, base + r * a.rowStride(), packed, r * KC, kc);
            }
            return;
        }
        // A transposed: its rows hold A's columns. Passes of TRANSPOSE_STEPS steps of k, so that each row of the
        // copy is written a whole cache line at a time, L floats a gather where the stride allows (the tied
        // classifier's weight gradient, 50304×1024×128: 5% faster)
        int base = bi * a.batchStride() + i0 * a.rowStride() + kStart * a.colStride();
        int[] columns = gatherMap(a.colStride());
        for (int kb = 0; kb < kc; kb += TRANSPOSE_STEPS) {
            int ke = Math.min(kc, kb + TRANSPOSE_STEPS);
            for (int r = 0; r < rows; r++) {
                int at = base + r * a.rowStride();
                int kk = kb;
                while (columns != null && kk + L <= ke) {
                    gather(src, at + kk * a.colStride(), columns, packed, r * KC + kk);
                    kk += L;
                }
                for (; kk < ke; kk++) {
                    packed[r * KC + kk] = src[at + kk * a.colStride()];
                }
            }
        }
    }
}
