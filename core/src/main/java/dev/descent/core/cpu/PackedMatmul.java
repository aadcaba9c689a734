package dev.descent.core.cpu;

import dev.descent.core.cpu.CpuMatmul.Operand;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batched C = op(A)·op(B) on the JDK's Vector API: the GEMM recipe of GotoBLAS/BLIS with a register-blocked
 * micro-kernel. {@link CpuMatmul#reference} is the plain loop this must agree with.
 *
 * <p>Plan, with L the floats per vector of the machine's preferred species (8 with AVX2, 16 with AVX-512):
 * <ol>
 *   <li>C is cut into tiles (batch entry × rows × columns), as few as keep every core busy: B is packed once per
 *       row tile and A read once per column tile, so big tiles pack least. The tiles go to {@link Parallel}.</li>
 *   <li>A tile walks K in blocks of {@link #KC} and its columns in blocks of {@link #NB}, and packs each
 *       {@code KC × NB} block of B into panels of {@link #NR} = 2L columns, k-major: the micro-kernel then reads
 *       B with unit stride, and the block stays in L2 while every row of the tile passes over it.</li>
 *   <li>Row-major A is read in place (its {@link #MR} rows are {@link #MR} unit-stride streams); a transposed A,
 *       or the last group of rows when fewer than {@link #MR} remain, is packed k-major first.</li>
 *   <li>The micro-kernel holds an {@code MR × NR} block of C (6 × 2 vectors: 12 accumulators, 2 B vectors and a
 *       broadcast A value, 15 of AVX2's 16 registers) for a whole K block: per step of k, 2 vector loads of B,
 *       6 broadcasts of A and 12 fused multiply-adds, and C is loaded and stored once per block.</li>
 * </ol>
 */
final class PackedMatmul {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of the C block the micro-kernel holds in registers. */
    private static final int MR = 6;
    /** Columns of the C block the micro-kernel holds in registers: two vectors. */
    private static final int NR = 2 * L;
    /** Steps of k per block: C is loaded and stored once per block. */
    private static final int KC = 256;
    /** Columns of B per packed block, a multiple of {@link #NR}: {@code KC × NB} floats (256 KiB) fit in L2. */
    private static final int NB = 256;
    /** Tiles wanted per core, so that a core slowed by other work hands its share to the others. */
    private static final int TILES_PER_CORE = 3;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** Each thread's packing buffers, reused from call to call. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PackedMatmul() {
    }

    private static final class Scratch {
        final float[] packedB = new float[KC * NB];
        final float[] packedA = new float[KC * MR];
        final float[] edge = new float[MR * NR];
    }

    /** The vector width in floats this machine's kernel uses. */
    static int lanes() {
        return L;
    }

    /** C[b] = A[b]·B[b] as in {@link CpuMatmul#multiply}; {@code c} is zero on entry. */
    static void multiply(Operand a, Operand b, int batch, int m, int k, int n, float[] c) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int colTiles = Math.max(1, Math.min((n + NB - 1) / NB, CORES * TILES_PER_CORE));
        int tileCols = roundUp((n + colTiles - 1) / colTiles, NR);
        colTiles = (n + tileCols - 1) / tileCols;
        int wantedRowTiles = (CORES * TILES_PER_CORE + batch * colTiles - 1) / (batch * colTiles);
        int rowTiles = Math.max(1, Math.min(wantedRowTiles, (m + MR - 1) / MR));
        int tileRows = roundUp((m + rowTiles - 1) / rowTiles, MR);
        rowTiles = (m + tileRows - 1) / tileRows;
        int tilesPerBatch = rowTiles * colTiles;
        int tr = tileRows;
        int rt = rowTiles;
        Parallel.forRange(batch * tilesPerBatch, 2L * tileRows * tileCols * k, (from, to) -> {
            Scratch scratch = SCRATCH.get();
            for (int t = from; t < to; t++) {
                int bi = t / tilesPerBatch;
                int i0 = t % tilesPerBatch % rt * tr;
                int j0 = t % tilesPerBatch / rt * tileCols;
                Tile tile = new Tile(a, b, c, bi, m, k, n, i0, Math.min(m, i0 + tr), j0, Math.min(n, j0 + tileCols));
                tile.run(scratch);
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
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                for (int jb = j0; jb < j1; jb += NB) {
                    int nb = Math.min(NB, j1 - jb);
                    packB(s.packedB, p0, kc, jb, nb);
                    for (int i = i0; i < i1; i += MR) {
                        multiplyRows(s, i, Math.min(MR, i1 - i), p0, kc, jb, nb);
                    }
                }
            }
        }

        /** C[i .. i+rows)[jb .. jb+nb) += A[i .. i+rows)[p0 .. p0+kc) · packed B block. */
        private void multiplyRows(Scratch s, int i, int rows, int p0, int kc, int jb, int nb) {
            float[] aData;
            int aOff;
            int aRow;
            int aStep;
            if (a.colStride() == 1 && rows == MR) {
                aData = a.data();
                aOff = bi * a.batchStride() + i * a.rowStride() + p0;
                aRow = a.rowStride();
                aStep = 1;
            } else {
                packA(s.packedA, i, rows, p0, kc);
                aData = s.packedA;
                aOff = 0;
                aRow = 1;
                aStep = MR;
            }
            int cRow = (bi * m + i) * n;
            for (int jr = 0; jr < nb; jr += NR) {
                int cols = Math.min(NR, nb - jr);
                int bOff = jr * kc;
                if (rows == MR && cols == NR) {
                    kernel(aData, aOff, aRow, aStep, s.packedB, bOff, kc, c, cRow + jb + jr, n);
                } else {
                    java.util.Arrays.fill(s.edge, 0f);
                    kernel(aData, aOff, aRow, aStep, s.packedB, bOff, kc, s.edge, 0, NR);
                    for (int r = 0; r < rows; r++) {
                        int o = cRow + r * n + jb + jr;
                        for (int j = 0; j < cols; j++) {
                            c[o + j] += s.edge[r * NR + j];
                        }
                    }
                }
            }
        }

        /**
         * Packs B[bi][p0 .. p0+kc)[jb .. jb+nb) into panels of NR columns: element (p, q·NR + jj) at
         * {@code q·kc·NR + p·NR + jj}, columns past N zero. Both layouts of B are read with unit stride.
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
                            java.util.Arrays.fill(packed, to + cols, to + NR, 0f);
                        }
                    }
                } else {
                    for (int jj = 0; jj < NR; jj++) {
                        if (jj >= cols) {
                            for (int p = 0; p < kc; p++) {
                                packed[dst + p * NR + jj] = 0f;
                            }
                            continue;
                        }
                        int from = base + (jb + q + jj) * b.colStride() + p0;
                        for (int p = 0; p < kc; p++) {
                            packed[dst + p * NR + jj] = src[from + p];
                        }
                    }
                }
            }
        }

        /** Packs A[bi][i .. i+rows)[p0 .. p0+kc) k-major: element (r, p) at {@code p·MR + r}, rows past M zero. */
        private void packA(float[] packed, int i, int rows, int p0, int kc) {
            float[] src = a.data();
            int base = bi * a.batchStride();
            if (rows < MR) {
                java.util.Arrays.fill(packed, 0, kc * MR, 0f);
            }
            if (a.rowStride() == 1) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(src, base + (p0 + p) * a.colStride() + i, packed, p * MR, rows);
                }
                return;
            }
            for (int r = 0; r < rows; r++) {
                int from = base + (i + r) * a.rowStride() + p0;
                for (int p = 0; p < kc; p++) {
                    packed[p * MR + r] = src[from + p];
                }
            }
        }
    }

    /**
     * c[r][0 .. NR) += Σ_p a[r][p]·b[p][0 .. NR) for the MR rows r and p in {@code [0, kc)}: row r of C at
     * {@code cOff + r·ldc}, a[r][p] at {@code aOff + r·aRow + p·aStep}, b[p] at {@code bOff + p·NR}.
     */
    private static void kernel(float[] a, int aOff, int aRow, int aStep, float[] b, int bOff, int kc,
                               float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bOff + p * NR);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bOff + p * NR + L);
            int ap = aOff + p * aStep;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ap + aRow]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * aRow]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * aRow]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ap + 4 * aRow]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ap + 5 * aRow]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        addInto(c, cOff, c00, c01);
        addInto(c, cOff + ldc, c10, c11);
        addInto(c, cOff + 2 * ldc, c20, c21);
        addInto(c, cOff + 3 * ldc, c30, c31);
        addInto(c, cOff + 4 * ldc, c40, c41);
        addInto(c, cOff + 5 * ldc, c50, c51);
    }

    /** c[off .. off + NR) += [v0 | v1]. */
    private static void addInto(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.add(FloatVector.fromArray(SPECIES, c, off)).intoArray(c, off);
        v1.add(FloatVector.fromArray(SPECIES, c, off + L)).intoArray(c, off + L);
    }
}
