package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend splits large loops across threads. Each op here runs on a tensor large enough to be split and
 * must equal the same op run on row blocks small enough to stay on one thread, then concatenated.
 */
class ParallelSplitTest {
    private static final int ROWS = 600;
    private static final int COLS = 160;
    private static final int BLOCK = 3;

    /** {@code op(x)} against concat over row blocks of {@code op(block)}, for an x of (ROWS, COLS). */
    private static void assertRowwiseSplitAgrees(String name, Tensor x, UnaryOperator<Tensor> op) {
        float[] whole = op.apply(x).toArray();
        List<Tensor> parts = new ArrayList<>();
        for (int r = 0; r < x.dim(0); r += BLOCK) {
            parts.add(op.apply(x.slice(0, r, Math.min(x.dim(0), r + BLOCK))));
        }
        Close.assertClose(name, whole, Tensor.concat(parts, 0).toArray(), 1e-6);
    }

    private static Tensor big(long seed) {
        return Tensor.randn(new Rng(seed), ROWS, COLS);
    }

    @Test
    void elementwiseOps() {
        Tensor x = big(1);
        Tensor row = Tensor.randn(new Rng(2), COLS);
        assertRowwiseSplitAgrees("gelu", x, Tensor::gelu);
        assertRowwiseSplitAgrees("exp", x, Tensor::exp);
        assertRowwiseSplitAgrees("add row", x, t -> t.add(row));
        assertRowwiseSplitAgrees("mul same shape", x, t -> t.mul(t));
        assertRowwiseSplitAgrees("scalar", x, t -> t.mul(3).add(1));
        assertRowwiseSplitAgrees("where", x, t -> Functional.where(t, row, t.neg()));
        assertRowwiseSplitAgrees("broadcastTo", x.slice(1, 0, 1), t -> t.broadcastTo(t.dim(0), COLS));
    }

    @Test
    void rowReductionsAndFusedRowOps() {
        Tensor x = big(3);
        Tensor gamma = Tensor.randn(new Rng(4), COLS);
        Tensor beta = Tensor.randn(new Rng(5), COLS);
        assertRowwiseSplitAgrees("sum", x, t -> t.sum(1, true));
        assertRowwiseSplitAgrees("max", x, t -> t.max(1, true));
        assertRowwiseSplitAgrees("softmax", x, Tensor::softmax);
        assertRowwiseSplitAgrees("logSoftmax", x, Tensor::logSoftmax);
        assertRowwiseSplitAgrees("layerNorm", x, t -> Functional.layerNorm(t, gamma, beta, 1e-5f));
        float[] ids = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            ids[i] = (i * 37) % COLS;
        }
        Tensor logitsAndTarget = Tensor.concat(List.of(x, Tensor.fromArray(ids, ROWS, 1)), 1);
        assertRowwiseSplitAgrees("crossEntropy", logitsAndTarget, t -> Functional.crossEntropy(t.slice(1, 0, COLS),
                t.slice(1, COLS, COLS + 1).reshape(-1), Reduction.NONE, -100, 0.1f).reshape(-1, 1));
    }

    @Test
    void reductionOverTheLeadingAxisMatchesADoubleSum() {
        Tensor x = big(6);
        float[] v = x.toArray();
        float[] expected = new float[COLS];
        for (int j = 0; j < COLS; j++) {
            double s = 0;
            for (int i = 0; i < ROWS; i++) {
                s += v[i * COLS + j];
            }
            expected[j] = (float) s;
        }
        Close.assertClose("sum over rows", x.sum(0, false).toArray(), expected, 1e-4);
    }

    @Test
    void backwardOfFusedRowOps() {
        Tensor x = big(7).requiresGrad(true);
        Tensor g = Tensor.randn(new Rng(8), ROWS, COLS);
        Tensor gamma = Tensor.randn(new Rng(9), COLS);
        for (UnaryOperator<Tensor> op : List.<UnaryOperator<Tensor>>of(Tensor::softmax, Tensor::logSoftmax,
                t -> Functional.layerNorm(t, gamma, Tensor.zeros(COLS), 1e-5f), Tensor::gelu)) {
            x.zeroGrad();
            op.apply(x).mul(g).sum().backward();
            float[] whole = x.grad().toArray();
            List<Tensor> parts = new ArrayList<>();
            for (int r = 0; r < ROWS; r += BLOCK) {
                Tensor block = x.slice(0, r, r + BLOCK).detach().requiresGrad(true);
                op.apply(block).mul(g.slice(0, r, r + BLOCK)).sum().backward();
                parts.add(block.grad());
            }
            Close.assertClose("backward", whole, Tensor.concat(parts, 0).toArray(), 1e-5);
        }
    }

    @Test
    void permuteOfALargeTensor() {
        Tensor x = Tensor.arange(ROWS * COLS).reshape(ROWS / 4, 4, COLS);
        float[] y = x.permute(2, 0, 1).toArray();
        float[] v = x.toArray();
        for (int k = 0; k < COLS; k += 7) {
            for (int i = 0; i < ROWS / 4; i += 5) {
                for (int j = 0; j < 4; j++) {
                    assertThat(y[(k * (ROWS / 4) + i) * 4 + j]).isEqualTo(v[(i * 4 + j) * COLS + k]);
                }
            }
        }
    }
}
