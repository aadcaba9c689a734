package dev.descent.core.cpu;

import static dev.descent.core.cpu.PackedMatmul.KC;
import static dev.descent.core.cpu.PackedMatmul.MR;
import static dev.descent.core.cpu.PackedMatmul.NR;
import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import dev.descent.core.cpu.CpuMatmul.Operand;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;

/**
 * The copies {@link PackedMatmul}'s micro-kernel reads its operands from: A's rows at a stride of
 * {@link PackedMatmul#KC}, B in panels of {@link PackedMatmul#NR} columns, k-major. Rows that stay rows are copied
 * whole (A by {@code System.arraycopy}, B a vector at a time: 0.09 ns per float, one core of the AMD EPYC these
 * were measured on); the copies that turn rows into columns (a transposed B's panels, a transposed A's rows,
 * {@link #transpose}) go an L × L block at a time through a scratch block in L1 ({@link #transposeBlock}), and
 * move single floats only at the edges.
 *
 * <p>Why not shuffle whole vectors in registers: a 4-row interleave by two rounds of zips ran at 0.09 ns per float
 * on JDK 25 but 0.5 on JDK 17, whose C2 gives up inlining the Vector API calls once a method holds that many (it
 * then boxes every vector). For the same reason the panel-row copy sits in a small method of its own: inside
 * {@link #packPanels} JDK 17 ran it at 0.8 ns per float.
 */
final class MatmulPacking {
    /**
     * Rows of a band of {@link #transpose} (and steps of k of a pass of the edge copies): its output rows are
     * written 16 floats, a whole cache line, at a time.
     */
    private static final int TRANSPOSE_STEPS = 16;
    /**
     * Floats of a stride (2 KiB) at a multiple of which the 2·L lines that {@link #gatherPanel}'s gathers read
     * together fall into at most two sets of a 4 KiB-periodic L1 cache and evict each other before the next gathers
     * read them again: there a panel goes through {@link #transposeBlock}s instead.
     */
    private static final int GATHER_ALIASING = 512;
    /** Each thread's index map for {@link #gatherPanel}. */
    private static final ThreadLocal<int[]> COLUMN_OFFSETS = ThreadLocal.withInitial(() -> new int[L]);
    /** Lane i of a gather down a column of an L × L block: i·L. */
    private static final int[] BLOCK_COLUMN = IntStream.range(0, L).map(i -> i * L).toArray();
    /** Each thread's L × L block of {@link #transposeBlock}. */
    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[L * L]);

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
        float[] block = BLOCK.get();
        int[] columns = gatherMap(b.colStride());
        for (int q = from; q < to; q++) {
            int j = n0 + q * NR;
            int cols = Math.min(NR, n - j);
            int dst = offset + q * steps * NR;
            int at = base + j * b.colStride() + k0;
            if (cols == NR && columns != null) {
                gatherPanel(src, at, b.colStride(), depth, columns, packed, dst);
                continue;
            }
            if (cols == NR && depth % L == 0) {
                transposePanel(src, at, b.colStride(), depth, packed, dst, block);
                continue;
            }
            Arrays.fill(packed, dst, dst + depth * NR, 0f);
            for (int kb = 0; kb < depth; kb += TRANSPOSE_STEPS) {
                for (int jj = 0; jj < cols; jj++) {
                    for (int kk = kb; kk < Math.min(depth, kb + TRANSPOSE_STEPS); kk++) {
                        packed[dst + kk * NR + jj] = src[at + jj * b.colStride() + kk];
                    }
                }
            }
        }
    }

    /**
     * packed[dst + kk·NR + jj] = src[at + jj·stride + kk] for kk &lt; depth and jj &lt; NR: a whole panel of a
     * transposed B, each row of the panel two gathers of L floats, which ran 30% faster than a float at a time
     * (0.62 against 0.88 ms for a 768 × 2304 B on one Zen 5 core, JDK 17; 0.63 against 0.84 on JDK 25), and 4 to 5%
     * faster than {@link #transposePanel} where the stride does not alias (256 × 768 × 2304 on two cores).
     */
    private static void gatherPanel(float[] src, int at, int stride, int depth, int[] columns, float[] packed,
                                    int dst) {
        int second = at + L * stride;
        for (int kk = 0; kk < depth; kk++) {
            FloatVector.fromArray(SPECIES, src, at + kk, columns, 0).intoArray(packed, dst + kk * NR);
            FloatVector.fromArray(SPECIES, src, second + kk, columns, 0).intoArray(packed, dst + kk * NR + L);
        }
    }

    /**
     * Whether a transposed operand whose columns lie at this stride is packed by {@link #gatherPanel}: not where the
     * stride is a multiple of {@link #GATHER_ALIASING}, whose panels go through {@link #transposeBlock}s.
     */
    static boolean gathers(int stride) {
        return stride % GATHER_ALIASING != 0;
    }

    /**
     * This thread's index map of a gather down a column, {@code i·stride} for lane i; null where the stride is a
     * multiple of {@link #GATHER_ALIASING}.
     */
    private static int[] gatherMap(int stride) {
        if (!gathers(stride)) {
            return null;
        }
        int[] columns = COLUMN_OFFSETS.get();
        for (int i = 0; i < L; i++) {
            columns[i] = i * stride;
        }
        return columns;
    }

    /**
     * {@link #gatherPanel} where the stride aliases, for a depth that is a multiple of L: L steps of k at a time as two
     * L × L blocks (GPT-2 124M's c_proj forward, 256 × 3072 × 768 with B transposed, on two Zen 5 cores:
     * the product 1.5 to 3% faster than with panels packed a float at a time).
     */
    private static void transposePanel(float[] src, int at, int stride, int depth, float[] packed, int dst,
                                       float[] block) {
        for (int kb = 0; kb < depth; kb += L) {
            transposeBlock(src, at + kb, stride, packed, dst + kb * NR, NR, block);
            transposeBlock(src, at + L * stride + kb, stride, packed, dst + kb * NR + L, NR, block);
        }
    }

    /**
     * to[j·rows + i] = from[i·cols + j]: a (rows, cols) matrix transposed on all cores, in bands of
     * {@link #TRANSPOSE_STEPS} rows, L × L blocks at a time ({@link #transposeBlock}); a last band of fewer rows, and
     * the last cols mod L columns, a float at a time.
     */
    static void transpose(float[] from, int rows, int cols, float[] to) {
        int band = TRANSPOSE_STEPS;
        Parallel.forRange((rows + band - 1) / band, 2L * band * cols, (first, last) -> {
            float[] block = BLOCK.get();
            for (int i0 = first * band; i0 < Math.min(rows, last * band); i0 += band) {
                int i1 = Math.min(rows, i0 + band);
                int j0 = 0;
                if (i1 - i0 == band) {
                    for (; j0 + L <= cols; j0 += L) {
                        for (int i = i0; i < i1; i += L) {
                            transposeBlock(from, i * cols + j0, cols, to, j0 * rows + i, rows, block);
                        }
                    }
                }
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < cols; j++) {
                        to[j * rows + i] = from[i * cols + j];
                    }
                }
            }
        });
    }

    /**
     * to[toOff + j·toStride + i] = from[fromOff + i·fromStride + j] for i, j &lt; L: an L × L block transposed
     * through {@code block}, scratch that stays in L1: L vector loads of its rows, so each line of the source is
     * read once whatever the stride, then L gathers down the scratch's columns. Gathering down the source's
     * columns read each line L times, and where the stride was a multiple of 2 KiB those L lines fell into one set
     * of L1 and evicted each other (a 64 × 16384 transpose on two Zen 5 cores: 1.04 ns a float that way, 0.52 this).
     */
    private static void transposeBlock(float[] from, int fromOff, int fromStride, float[] to, int toOff,
                                       int toStride, float[] block) {
        for (int i = 0; i < L; i++) {
            FloatVector.fromArray(SPECIES, from, fromOff + i * fromStride).intoArray(block, i * L);
        }
        // no instruction on x86, but it keeps JDK 17's C2 from handing the gather of column 0 the vector stored at
        // the same address (row 0): with 8-float vectors (-XX:UseAVX=2) its compiled code got column 0 of every block
        // wrong so, and right with this fence (it looks like OpenJDK's bug 8325520, indexed vector loads optimized as
        // plain ones, fixed after JDK 17; JDK 25 was right without the fence)
        VarHandle.releaseFence();
        for (int j = 0; j < L; j++) {
            FloatVector.fromArray(SPECIES, block, j, BLOCK_COLUMN, 0).intoArray(to, toOff + j * toStride);
        }
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
        // A transposed (a row stride of 1): L × L blocks of its columns, each into L rows of the copy; the last
        // rows mod L and steps mod L a float at a time
        int base = bi * a.batchStride() + i0 * a.rowStride() + kStart * a.colStride();
        float[] block = BLOCK.get();
        int blockRows = a.rowStride() == 1 ? rows - rows % L : 0;
        int blockSteps = kc - kc % L;
        for (int r = 0; r < blockRows; r += L) {
            for (int kk = 0; kk < blockSteps; kk += L) {
                transposeBlock(src, base + r + kk * a.colStride(), a.colStride(), packed, r * KC + kk, KC, block);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int kk = r < blockRows ? blockSteps : 0; kk < kc; kk++) {
                packed[r * KC + kk] = src[base + r * a.rowStride() + kk * a.colStride()];
            }
        }
    }
}
