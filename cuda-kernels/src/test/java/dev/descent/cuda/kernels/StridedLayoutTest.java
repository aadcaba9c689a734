package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host half of the broadcast and permute kernels: decoding the packed layout exactly as {@code strided_offset}
 * in common.cuh does must reproduce the CPU backend's broadcast, where and permute.
 */
class StridedLayoutTest {
    private static final Backend CPU = Backends.cpu();

    /** common.cuh strided_offset: unravel i over dims (last axis fastest), dot with operand k's strides. */
    private static int offset(int[] w, int k, int i) {
        int off = 0;
        for (int axis = w[0] - 1; axis >= 0; axis--) {
            int d = w[1 + axis];
            off += (i % d) * w[1 + StridedLayout.MAX_RANK * (1 + k) + axis];
            i /= d;
        }
        return off;
    }

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /** A random shape of rank 0..5 with sizes 1..4. */
    private static Shape randomShape(Rng rng) {
        int[] d = new int[rng.nextInt(6)];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1 + rng.nextInt(4);
        }
        return Shape.of(d);
    }

    /** A shape that broadcasts to {@code out}: some leading axes dropped, some others set to 1. */
    private static Shape operandOf(Shape out, Rng rng) {
        int[] d = out.dims();
        int drop = rng.nextInt(d.length + 1);
        int[] kept = java.util.Arrays.copyOfRange(d, drop, d.length);
        for (int i = 0; i < kept.length; i++) {
            if (rng.nextInt(3) == 0) {
                kept[i] = 1;
            }
        }
        return Shape.of(kept);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void broadcastLayoutMatchesTheCpuBroadcast(long seed) {
        Rng rng = new Rng(seed);
        Shape out = randomShape(rng);
        Tensor a = CPU.randn(operandOf(out, rng), rng);
        Tensor b = CPU.randn(out, rng);
        Tensor bPart = CPU.randn(operandOf(out, rng), rng);
        for (Tensor[] pair : new Tensor[][] {{a, b}, {b, a}, {a, bPart}}) {
            Shape shape = Shape.broadcast("add", pair[0].shape(), pair[1].shape());
            float[] av = pair[0].toArray();
            float[] bv = pair[1].toArray();
            int[] w = StridedLayout.broadcast(shape, pair[0].shape(), pair[1].shape()).words();
            float[] got = new float[shape.numel()];
            for (int i = 0; i < got.length; i++) {
                got[i] = av[offset(w, 0, i)] + bv[offset(w, 1, i)];
            }
            assertThat(got).as("%s + %s", pair[0].shape(), pair[1].shape())
                    .containsExactly(CPU.binary(BinaryOp.ADD, pair[0], pair[1]).toArray());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void whereLayoutMatchesTheCpuWhere(long seed) {
        Rng rng = new Rng(seed + 1000);
        Shape out = randomShape(rng);
        Tensor cond = CPU.binaryScalar(BinaryOp.GT, CPU.randn(operandOf(out, rng), rng), 0f);
        Tensor a = CPU.randn(operandOf(out, rng), rng);
        Tensor b = CPU.randn(out, rng);
        int[] w = StridedLayout.broadcast(out, cond.shape(), a.shape(), b.shape()).words();
        float[] c = cond.toArray();
        float[] av = a.toArray();
        float[] bv = b.toArray();
        float[] got = new float[out.numel()];
        for (int i = 0; i < got.length; i++) {
            got[i] = c[offset(w, 0, i)] != 0 ? av[offset(w, 1, i)] : bv[offset(w, 2, i)];
        }
        assertThat(got).containsExactly(CPU.where(cond, a, b).toArray());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void permuteLayoutMatchesTheCpuPermute(long seed) {
        Rng rng = new Rng(seed + 3000);
        int rank = 1 + rng.nextInt(6);
        int[] dims = new int[rank];
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = 1 + rng.nextInt(4);
            axes[i] = i;
        }
        for (int i = rank - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = axes[i];
            axes[i] = axes[j];
            axes[j] = t;
        }
        Tensor x = CPU.randn(Shape.of(dims), rng);
        float[] xv = x.toArray();
        int[] w = StridedLayout.permute(x.shape(), axes).words();
        float[] got = new float[xv.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = xv[offset(w, 0, i)];
        }
        assertThat(got).containsExactly(CPU.permute(x, axes).toArray());
    }

    @Test
    void contiguousAxesAreMergedSoABiasAddTravelsAsRankTwo() {
        int[] w = StridedLayout.broadcast(Shape.of(4, 1024, 768), Shape.of(4, 1024, 768), Shape.of(768)).words();
        assertThat(w[0]).isEqualTo(2);
        assertThat(StridedLayout.broadcast(Shape.of(4, 1024, 768), Shape.of(4, 1024, 768), Shape.of(768)))
                .hasToString("Strided(dims [4096, 768], stride0 [768, 1], stride1 [0, 1], stride2 [0, 0])");
    }

    @Test
    void moreThanEightUnmergeableAxesAreRefusedWithTheShape() {
        int[] dims = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] axes = {8, 7, 6, 5, 4, 3, 2, 1, 0};
        assertThatThrownBy(() -> StridedLayout.permute(Shape.of(dims), axes))
                .hasMessageContaining("9 axes").hasMessageContaining("at most 8");
    }
}
