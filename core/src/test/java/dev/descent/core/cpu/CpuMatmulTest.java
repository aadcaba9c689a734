package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.core.cpu.CpuMatmul.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed Vector API matmul, through {@link Backend#matmul}, against the plain loop {@link CpuMatmul#reference}.
 *
 * <p>Shapes straddle the kernel's blocking (4-row slivers, 2-vector column panels of 16 or 32, 256-step K blocks,
 * 256-column units of packed B, blocks of B in K and in N, the split into tiles): 1, 7, 33 and 1000 columns, every
 * transpose case, batched with a B of its own or a shared rank-2 B. Integer-valued operands make every product and
 * partial sum exact in float, so those results must match bit for bit; Gaussian operands are held to
 * {@code |fast − reference| <= 2·k·u·Σ|a||b|} with u = 2⁻²⁴ (each side is within k·u·Σ|a||b| of the exact sum).
 */
class CpuMatmulTest {
    private static final Backend CPU = Backends.cpu();

    /** (batch or 0 for rank 2, m, k, n, transA, transB, sharedB, seed). */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 100;
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) == 1;
            boolean transB = (t & 2) == 2;
            for (int n : new int[] {1, 7, 33, 1000}) {
                cases.add(Arguments.of(0, 7, 33, n, transA, transB, false, seed++));
                cases.add(Arguments.of(0, 13, 300, n, transA, transB, false, seed++));
            }
            cases.add(Arguments.of(0, 1, 1, 1, transA, transB, false, seed++));
            cases.add(Arguments.of(0, 70, 520, 300, transA, transB, false, seed++));
            cases.add(Arguments.of(3, 5, 9, 17, transA, transB, false, seed++));
            cases.add(Arguments.of(3, 5, 9, 17, transA, transB, true, seed++));
            cases.add(Arguments.of(2, 67, 193, 260, transA, transB, true, seed++));
            cases.add(Arguments.of(2, 12, 40, 1000, transA, transB, false, seed++));
            // K in two blocks of whole K steps (2304 + 1896), and N in two blocks for a K shorter than one K step
            cases.add(Arguments.of(0, 3, 4200, 1000, transA, transB, false, seed++));
            cases.add(Arguments.of(0, 2, 128, 33_000, transA, transB, false, seed++));
            // a transposed B whose rows are a multiple of 2 KiB apart is packed by blocks through L1, not gathered
            // (with A row-major, N ≥ 2M makes it run swapped: then A's 9 rows are the operand packed so)
            cases.add(Arguments.of(0, 9, 1024, 70, transA, transB, false, seed++));
            // one tile of rows a core, alone with its units, packs each into one unit's room (on 2 cores with
            // AVX-512: 16 units of 128 columns a K step, 8 a tile, the last one narrower), the second K step short
            cases.add(Arguments.of(0, 40, 300, 2000, transA, transB, false, seed++));
            // two tiles of rows share each unit over 10 K steps, the last one short: a unit goes into the room of
            // the same unit two K steps back once both tiles have multiplied what is there
            cases.add(Arguments.of(0, 200, 9 * 256 + 5, 700, transA, transB, false, seed++));
        }
        // a few rows times a transposed B, as when decoding one token: one dot product per element, on both cores
        cases.add(Arguments.of(0, 1, 768, 3000, false, true, false, seed++));
        cases.add(Arguments.of(0, 4, 67, 2049, true, true, false, seed++));
        cases.add(Arguments.of(0, 3, 5, 1, false, true, false, seed++));
        cases.add(Arguments.of(4, 1, 33, 7, false, false, true, seed++));
        cases.add(Arguments.of(2, 3, 0, 4, false, false, false, seed));
        return cases.stream();
    }

    @Test
    void theVectorApiIsEnabledSoTheFastPathIsWhatRuns() {
        assertThat(VectorApi.available()).as("tests run with --add-modules jdk.incubator.vector").isTrue();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void integerOperandsGiveTheExactProduct(int batch, int m, int k, int n, boolean transA, boolean transB,
                                            boolean sharedB, long seed) {
        Rng rng = new Rng(seed);
        Tensor a = integers(rng, dims(batch, transA ? k : m, transA ? m : k));
        Tensor b = integers(rng, dims(sharedB ? 0 : batch, transB ? n : k, transB ? k : n));
        Tensor c = CPU.matmul(a, b, transA, transB);

        assertThat(c.shape().dims()).containsExactly(dims(batch, m, n));
        assertThat(c.toArray()).containsExactly(reference(a, b, batch, m, k, n, transA, transB, sharedB));
    }

    /**
     * An operand stored transposed or row-major gives the same bits: each element is the same chain of fused
     * multiply-adds whichever way the operands are packed, and whether the product runs as Cᵀ = Bᵀ·Aᵀ (a large
     * transposed A and a narrow B: the first two shapes and the sixth; a transposed B at a stride of 1024 floats
     * and at least twice as wide as A is tall: the last shape) or not.
     */
    @Test
    void aTransposedOperandGivesTheBitsOfTheSameProductWithItRowMajor() {
        // the last three at strides that are multiples of 2 KiB: 1024 columns of the swapped product's transpose,
        // 1024 steps of k of a transposed B, not swapped (40 rows, 48 columns) and swapped (24 rows, 100 columns)
        int[][] shapes = {{600, 300, 20}, {70, 4200, 9}, {64, 256, 300}, {20, 33, 1000}, {300, 64, 700},
            {1024, 200, 24}, {40, 1024, 48}, {24, 1024, 100}};
        Rng rng = new Rng(42);
        for (int[] shape : shapes) {
            int m = shape[0];
            int k = shape[1];
            int n = shape[2];
            Tensor aT = Tensor.randn(rng, k, m);
            Tensor bT = Tensor.randn(rng, n, k);
            Tensor a = Tensor.fromArray(transpose(aT.toArray(), k, m), m, k);
            Tensor b = Tensor.fromArray(transpose(bT.toArray(), n, k), k, n);
            float[] rowMajor = CPU.matmul(a, b, false, false).toArray();
            assertThat(CPU.matmul(aT, b, true, false).toArray()).as("A transposed, %dx%dx%d", m, k, n)
                    .containsExactly(rowMajor);
            assertThat(CPU.matmul(a, bT, false, true).toArray()).as("B transposed, %dx%dx%d", m, k, n)
                    .containsExactly(rowMajor);
        }
    }

    /** The (cols, rows) transpose of a row-major (rows, cols) array. */
    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gaussianOperandsStayWithinTheRoundingBound(int batch, int m, int k, int n, boolean transA, boolean transB,
                                                    boolean sharedB, long seed) {
        Rng rng = new Rng(seed);
        Tensor a = Tensor.randn(rng, dims(batch, transA ? k : m, transA ? m : k));
        Tensor b = Tensor.randn(rng, dims(sharedB ? 0 : batch, transB ? n : k, transB ? k : n));
        float[] actual = CPU.matmul(a, b, transA, transB).toArray();

        float[] expected = reference(a, b, batch, m, k, n, transA, transB, sharedB);
        float[] magnitude = reference(CPU.unary(UnaryOp.ABS, a), CPU.unary(UnaryOp.ABS, b), batch, m, k, n, transA, transB, sharedB);
        double unitRoundoff = Math.scalb(1.0, -24);
        for (int i = 0; i < actual.length; i++) {
            double bound = 2 * Math.max(k, 1) * unitRoundoff * magnitude[i];
            assertThat((double) Math.abs(actual[i] - expected[i])).as("element %d", i).isLessThanOrEqualTo(bound);
        }
    }

    private static float[] reference(Tensor a, Tensor b, int batch, int m, int k, int n, boolean transA,
                                     boolean transB, boolean sharedB) {
        int batches = Math.max(batch, 1);
        Operand left = Operand.of(a.toArray(), batches, transA ? k : m, transA ? m : k, transA);
        Operand right = Operand.of(b.toArray(), sharedB ? 1 : batches, transB ? n : k, transB ? k : n, transB);
        return CpuMatmul.reference(left, right, batches, m, k, n);
    }

    private static int[] dims(int batch, int rows, int cols) {
        return batch == 0 ? new int[] {rows, cols} : new int[] {batch, rows, cols};
    }

    private static Tensor integers(Rng rng, int[] dims) {
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = rng.nextInt(9) - 4;
        }
        return Tensor.fromArray(data, dims);
    }
}
