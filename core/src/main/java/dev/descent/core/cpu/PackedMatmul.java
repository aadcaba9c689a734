package dev.descent.core.cpu;

import dev.descent.core.cpu.CpuMatmul.Operand;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batched C = op(A)·op(B) on the JDK's Vector API: the GEMM recipe of GotoBLAS/BLIS with a register-blocked
 * micro-kernel. {@link CpuMatmul#reference} is the plain loop this must agree with.
 *
 * <p>Plan, with L the floats per vector of the machine's preferred species (8 with AVX2, 16 with AVX-512):
 * <ol>
 *   <li>C is cut into tiles (batch entry × rows × columns), as few as keep every core busy: B is packed once per
 *       row tile and A once per column tile, so big tiles pack least. The tiles go to {@link Parallel}.</li>
 *   <li>A tile walks K in blocks of {@link #KC}. For each, it packs its rows of A into slivers of {@link #MR}
 *       rows, k-major, then walks its columns in blocks of {@link #NB}, packing each {@code KC × NB} block of B
 *       into panels of {@link #NR} = 2L columns, k-major (it stays in L2 while every sliver of A passes over it).
 *       Packing reads both layouts of each operand with unit stride, so a transposed operand costs no copy.</li>
 *   <li>The micro-kernel holds an {@code MR × NR} block of C in 8 vector registers for a whole K block: per step
 *       of k, 2 vector loads of B, 4 broadcasts of A (one address register, constant offsets) and 8 fused
 *       multiply-adds. C2 issues the 4 broadcasts ahead of the multiply-adds, so 14 registers are live: within
 *       AVX2's 16 (a 6-row block spills there; measured) and enough independent sums to keep the FMA units
 *       busy. C is loaded and stored once per K block.</li>
 * </ol>
 */
final class PackedMatmul {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of the C block the micro-kernel holds in registers. */
    private static final int MR = 4;
    /** Columns of the C block the micro-kernel holds in registers: two vectors. */
    private static final int NR = 2 * L;
    /** Steps of k per block: C is loaded and stored once per block. */
    private static final int KC = 256;
    /** Columns of B per packed block, a multiple of {@link #NR}: {@code KC × NB} floats (256 KiB) stay in L2. */
    private static final int NB = 256;
    /** Most rows per tile, which bounds each thread's packed A ({@code MC × KC} floats, 1 MiB). */
    private static final int MC = 1024;
    /** Tiles wanted per core, so that a core slowed by other work hands its share to the others. */
    private static final int TILES_PER_CORE = 3;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** Each thread's packing buffers, reused from call to call. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PackedMatmul() {
    }

    private static final class Scratch {
        final float[] packedB = new float[KC * NB];
        final float[] edge = new float[MR * NR];
        float[] packedA = new float[0];

        float[] packedA(int size) {
            if (packedA.length < size) {
                packedA = new float[size];
            }
            return packedA;
        }
    }

    /** C[b] = A[b]·B[b] as in {@link CpuMatmul#multiply}, added into {@code c} (zero on entry). */
    static void multiply(Operand a, Operand b, int batch, int m, int k, int n, float[] c) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int wanted = CORES * TILES_PER_CORE;
        int colTiles = Math.max(1, Math.min((n + NB - 1) / NB, wanted));
        int tileCols = roundUp((n + colTiles - 1) / colTiles, NR);
        colTiles = (n + tileCols - 1) / tileCols;
        int rowTiles = Math.max((m + MC - 1) / MC, (wanted + batch * colTiles - 1) / (batch * colTiles));
        int tileRows = roundUp((m + Math.min(rowTiles, m) - 1) / Math.min(rowTiles, m), MR);
        rowTiles = (m + tileRows - 1) / tileRows;
        int tilesPerBatch = rowTiles * colTiles;
        int tilesPerColumn = rowTiles;
        Parallel.forRange(batch * tilesPerBatch, 2L * tileRows * tileCols * k, (from, to) -> {
            Scratch scratch = SCRATCH.get();
            for (int t = from; t < to; t++) {
                int bi = t / tilesPerBatch;
                int i0 = t % tilesPerBatch % tilesPerColumn * tileRows;
                int j0 = t % tilesPerBatch / tilesPerColumn * tileCols;
                new Tile(a, b, c, bi, m, k, n, i0, Math.min(m, i0 + tileRows), j0, Math.min(n, j0 + tileCols))
                        .run(scratch);
            }
        });
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** Rows {@code [i0, i1)} × columns {@code [j0, j1)} of C[bi]. */
    private record Tile(Operand a, Operand b, float[] c, int bi, int m, int k, int n, int i0, int i1, int j0,
                        int j1) {
        void run(Scratch s) {
            float[] packedA = s.packedA(roundUp(i1 - i0, MR) * KC);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                for (int i = i0; i < i1; i += MR) {
                    packA(packedA, (i - i0) * kc, i, Math.min(MR, i1 - i), p0, kc);
                }
                for (int jb = j0; jb < j1; jb += NB) {
                    int nb = Math.min(NB, j1 - jb);
                    packB(s.packedB, p0, kc, jb, nb);
                    for (int i = i0; i < i1; i += MR) {
                        multiplySliver(s, packedA, (i - i0) * kc, i, Math.min(MR, i1 - i), kc, jb, nb);
                    }
                }
            }
        }

        /** C[i .. i+rows)[jb .. jb+nb) += the packed sliver of A at {@code aOff} · the packed block of B. */
        private void multiplySliver(Scratch s, float[] packedA, int aOff, int i, int rows, int kc, int jb, int nb) {
            int cRow = (bi * m + i) * n;
            for (int jr = 0; jr < nb; jr += NR) {
                int cols = Math.min(NR, nb - jr);
                if (rows == MR && cols == NR) {
                    kernel(packedA, aOff, s.packedB, jr * kc, kc, c, cRow + jb + jr, n);
                    continue;
                }
                Arrays.fill(s.edge, 0f);
                kernel(packedA, aOff, s.packedB, jr * kc, kc, s.edge, 0, NR);
                for (int r = 0; r < rows; r++) {
                    int o = cRow + r * n + jb + jr;
                    for (int j = 0; j < cols; j++) {
                        c[o + j] += s.edge[r * NR + j];
                    }
                }
            }
        }

        /**
         * Packs A[bi][i .. i+rows)[p0 .. p0+kc) k-major from {@code off}: element (r, p) at
         * {@code off + p·MR + r}, rows past M zero.
         */
        private void packA(float[] packed, int off, int i, int rows, int p0, int kc) {
            float[] src = a.data();
            int base = bi * a.batchStride();
            if (rows < MR) {
                Arrays.fill(packed, off, off + kc * MR, 0f);
            }
            if (a.rowStride() == 1) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(src, base + (p0 + p) * a.colStride() + i, packed, off + p * MR, rows);
                }
                return;
            }
            for (int r = 0; r < rows; r++) {
                int from = base + (i + r) * a.rowStride() + p0;
                for (int p = 0; p < kc; p++) {
                    packed[off + p * MR + r] = src[from + p];
                }
            }
        }

        /**
         * Packs B[bi][p0 .. p0+kc)[jb .. jb+nb) into panels of NR columns: element (p, q + jj) at
         * {@code q·kc + p·NR + jj} for panels q = 0, NR, 2·NR ..; columns past N zero.
         */
        private void packB(float[] packed, int p0, int kc, int jb, int nb) {
            float[] src = b.data();
            int base = bi * b.batchStride();
            for (int q = 0; q < nb; q += NR) {
                int cols = Math.min(NR, nb - q);
                int dst = q * kc;
                if (b.colStride() == 1) {
                    for (int p = 0; p < kc; p++) {
                        int from = base + (p0 + p) * b.rowStride() + jb + q;
                        int to = dst + p * NR;
                        if (cols == NR) {
                            FloatVector.fromArray(SPECIES, src, from).intoArray(packed, to);
                            FloatVector.fromArray(SPECIES, src, from + L).intoArray(packed, to + L);
                        } else {
                            System.arraycopy(src, from, packed, to, cols);
                            Arrays.fill(packed, to + cols, to + NR, 0f);
                        }
                    }
                    continue;
                }
                if (cols < NR) {
                    Arrays.fill(packed, dst, dst + kc * NR, 0f);
                }
                for (int jj = 0; jj < cols; jj++) {
                    int from = base + (jb + q + jj) * b.colStride() + p0;
                    for (int p = 0; p < kc; p++) {
                        packed[dst + p * NR + jj] = src[from + p];
                    }
                }
            }
        }
    }

    /**
     * c[r][0 .. NR) += Σ_p a[p][r]·b[p][0 .. NR) for the MR rows r and p in {@code [0, kc)}: row r of C at
     * {@code cOff + r·ldc}, a[p][r] at {@code aOff + p·MR + r}, b[p] at {@code bOff + p·NR}.
     */
    private static void kernel(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bOff + p * NR);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bOff + p * NR + L);
            int ap = aOff + p * MR;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        addInto(c, cOff, c00, c01);
        addInto(c, cOff + ldc, c10, c11);
        addInto(c, cOff + 2 * ldc, c20, c21);
        addInto(c, cOff + 3 * ldc, c30, c31);
    }

    /** c[off .. off + NR) += [v0 | v1]. */
    private static void addInto(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.add(FloatVector.fromArray(SPECIES, c, off)).intoArray(c, off);
        v1.add(FloatVector.fromArray(SPECIES, c, off + L)).intoArray(c, off + L);
    }
}
