package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed, tiled CPU matmul against a plain triple loop in double precision, through {@link Backend#matmul}.
 *
 * <p>Sizes straddle the kernel's blocking: 4-row groups, 2-step k padding, 64-row tiles, 128-step k blocks,
 * 256-column panels. Integer-valued operands make every product and partial sum exact in float, so those
 * results must match bit for bit; Gaussian operands are held to the rounding bound
 * {@code |error| <= 2·k·u·Σ|a||b|} with u = 2⁻²⁴.
 */
class CpuMatmulTest {
    private static final Backend CPU = Backends.cpu();
    private static final int[] SIZES = {1, 2, 7, 33, 65, 129};

    /** (batch or 0 for rank 2, m, k, n, transA, transB, sharedB, seed). */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Rng pick = new Rng(7);
        long seed = 100;
        for (int m : SIZES) {
            for (int k : SIZES) {
                int n = SIZES[pick.nextInt(SIZES.length)];
                cases.add(Arguments.of(0, m, k, n, pick.nextInt(2) == 1, pick.nextInt(2) == 1, false, seed++));
            }
        }
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) == 1;
            boolean transB = (t & 2) == 2;
            cases.add(Arguments.of(0, 70, 200, 300, transA, transB, false, seed++));
            cases.add(Arguments.of(3, 5, 9, 17, transA, transB, false, seed++));
            cases.add(Arguments.of(3, 5, 9, 17, transA, transB, true, seed++));
            cases.add(Arguments.of(2, 67, 193, 260, transA, transB, true, seed++));
        }
        // a few rows times a transposed B, as when decoding one token: one dot product per element, on both cores
        cases.add(Arguments.of(0, 1, 768, 3000, false, true, false, seed++));
        cases.add(Arguments.of(0, 4, 67, 2049, true, true, false, seed++));
        cases.add(Arguments.of(0, 3, 5, 1, false, true, false, seed++));
        cases.add(Arguments.of(4, 1, 33, 7, false, false, true, seed++));
        cases.add(Arguments.of(2, 3, 0, 4, false, false, false, seed));
        return cases.stream();
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
        double[] expected = reference(a, b, Math.max(batch, 1), m, k, n, transA, transB, sharedB, false);
        float[] actual = c.toArray();
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element %d of %s", i, c.shape()).isEqualTo(expected[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gaussianOperandsStayWithinTheRoundingBound(int batch, int m, int k, int n, boolean transA, boolean transB,
                                                    boolean sharedB, long seed) {
        Rng rng = new Rng(seed);
        Tensor a = Tensor.randn(rng, dims(batch, transA ? k : m, transA ? m : k));
        Tensor b = Tensor.randn(rng, dims(sharedB ? 0 : batch, transB ? n : k, transB ? k : n));
        float[] actual = CPU.matmul(a, b, transA, transB).toArray();

        int batches = Math.max(batch, 1);
        double[] expected = reference(a, b, batches, m, k, n, transA, transB, sharedB, false);
        double[] magnitude = reference(a, b, batches, m, k, n, transA, transB, sharedB, true);
        double unitRoundoff = Math.scalb(1.0, -24);
        for (int i = 0; i < actual.length; i++) {
            double bound = 2 * Math.max(k, 1) * unitRoundoff * magnitude[i];
            assertThat(Math.abs(actual[i] - expected[i])).as("element %d", i).isLessThanOrEqualTo(bound);
        }
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

    /** C[b][i][j] = Σ_kk op(A)[b][i][kk]·op(B)[b][kk][j] in double; with {@code absolute}, Σ |·|·|·|. */
    private static double[] reference(Tensor a, Tensor b, int batch, int m, int k, int n, boolean transA,
                                      boolean transB, boolean sharedB, boolean absolute) {
        float[] x = a.toArray();
        float[] y = b.toArray();
        double[] c = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            int aBase = bi * m * k;
            int bBase = sharedB ? 0 : bi * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int kk = 0; kk < k; kk++) {
                        double left = x[aBase + (transA ? kk * m + i : i * k + kk)];
                        double right = y[bBase + (transB ? j * k + kk : kk * n + j)];
                        sum += absolute ? Math.abs(left * right) : left * right;
                    }
                    c[(bi * m + i) * n + j] = sum;
                }
            }
        }
        return c;
    }
}
