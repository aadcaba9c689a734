package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input fails at once with a message that names the op, the values and the shapes involved. */
class BadInputTest {

    @Test
    void matmulWithInnerDimensionsThatDoNotChain() {
        assertThatThrownBy(() -> Tensor.ones(2, 3).matmul(Tensor.ones(4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("(2, 3)").hasMessageContaining("(4, 5)");
    }

    @Test
    void matmulWithBatchDimensionsThatDoNotBroadcast() {
        assertThatThrownBy(() -> Tensor.ones(2, 3, 4).matmul(Tensor.ones(3, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("(2, 3, 4)").hasMessageContaining("(3, 4, 5)")
                .hasMessageContaining("batch");
    }

    @Test
    void matmulOfAVector() {
        assertThatThrownBy(() -> Tensor.ones(3).matmul(Tensor.ones(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul").hasMessageContaining("rank").hasMessageContaining("(3)");
    }

    @Test
    void elementwiseOpsWithShapesThatDoNotBroadcast() {
        Tensor a = Tensor.ones(2, 3);
        Tensor b = Tensor.ones(4);
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("(2, 3)").hasMessageContaining("(4)");
        assertThatThrownBy(() -> a.sub(b)).hasMessageContaining("sub").hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> a.mul(b)).hasMessageContaining("mul").hasMessageContaining("(4)");
        assertThatThrownBy(() -> a.div(b)).hasMessageContaining("div").hasMessageContaining("(4)");
        assertThatThrownBy(() -> Functional.where(Tensor.ones(2), a, a)).hasMessageContaining("where")
                .hasMessageContaining("(2)").hasMessageContaining("(2, 3)");
    }

    @Test
    void broadcastToAShapeThatDoesNotFit() {
        assertThatThrownBy(() -> Tensor.ones(2, 3).broadcastTo(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broadcastTo").hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> Tensor.ones(3).broadcastTo(2, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broadcastTo").hasMessageContaining("(3)").hasMessageContaining("(2, 4)");
    }

    @Test
    void embeddingIdOutOfRangeNamesTheIdAndTheVocabularySize() {
        Tensor table = Tensor.zeros(5, 2);
        assertThatThrownBy(() -> Functional.embedding(table, Tensor.fromArray(new float[] {0, 7, 1})))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("embedding").hasMessageContaining("index 7 ").hasMessageContaining("size 5");
        assertThatThrownBy(() -> Functional.embedding(table, Tensor.fromArray(new float[] {-1})))
                .hasMessageContaining("index -1 ").hasMessageContaining("size 5");
        assertThatThrownBy(() -> Functional.embedding(table, Tensor.fromArray(new float[] {1.5f})))
                .hasMessageContaining("index 1.5 ");
    }

    @Test
    void embeddingTableMustBeAMatrix() {
        assertThatThrownBy(() -> Functional.embedding(Tensor.zeros(5), Tensor.scalar(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(V, C)").hasMessageContaining("(5)");
    }

    @Test
    void crossEntropyTargetOutOfRange() {
        Tensor logits = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> Functional.crossEntropy(logits, Tensor.fromArray(new float[] {0, 3})))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("crossEntropy").hasMessageContaining("index 3 ").hasMessageContaining("3 classes");
        assertThatThrownBy(() -> Functional.crossEntropy(logits, Tensor.fromArray(new float[] {-1, 0})))
                .hasMessageContaining("index -1 ").hasMessageContaining("ignoreIndex -100");
    }

    @Test
    void crossEntropyTargetsOfTheWrongShape() {
        assertThatThrownBy(() -> Functional.crossEntropy(Tensor.zeros(2, 3), Tensor.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossEntropy").hasMessageContaining("(2, 3)").hasMessageContaining("(3)");
    }

    @Test
    void crossEntropyOfScalarLogits() {
        assertThatThrownBy(() -> Functional.crossEntropy(Tensor.scalar(1), Tensor.scalar(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crossEntropy").hasMessageContaining("class axis");
    }

    @Test
    void labelSmoothingOutsideZeroToOne() {
        assertThatThrownBy(() -> Functional.crossEntropy(Tensor.zeros(2, 3), Tensor.zeros(2), Reduction.MEAN,
                Functional.DEFAULT_IGNORE_INDEX, 1.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label smoothing").hasMessageContaining("1.5");
    }

    @Test
    void reshapeToAnIncompatibleSize() {
        assertThatThrownBy(() -> Tensor.ones(2, 3).reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("(2, 3)").hasMessageContaining("[4, 2]");
        assertThatThrownBy(() -> Tensor.ones(2, 3).reshape(4, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, -1]");
        assertThatThrownBy(() -> Tensor.ones(2, 3).reshape(-1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than one -1");
        assertThatThrownBy(() -> Tensor.ones(2, 3).reshape(-2, -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("-2");
    }

    /** Before, an inferred −1 that did not divide evenly surfaced as "negative dimension -1". */
    @Test
    void reshapeWithAnInferredDimensionThatDoesNotDivideSaysSo() {
        assertThatThrownBy(() -> Tensor.ones(6).reshape(-1, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reshape").hasMessageContaining("(6)").hasMessageContaining("[-1, 4]")
                .hasMessageContaining("6 is not divisible by 4").hasMessageNotContaining("negative");
        assertThatThrownBy(() -> Tensor.ones(2, 3).reshape(0, -1)).hasMessageContaining("-1 could be any size");
        assertThat(Tensor.ones(0, 3).reshape(-1, 3).shape()).isEqualTo(Shape.of(0, 3));
    }

    @Test
    void sliceOutOfRange() {
        Tensor x = Tensor.ones(2, 3);
        assertThatThrownBy(() -> x.slice(1, 1, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slice").hasMessageContaining("[1, 4)").hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> x.slice(0, -1, 1)).hasMessageContaining("[-1, 1)");
        assertThatThrownBy(() -> x.slice(0, 2, 1)).hasMessageContaining("[2, 1)");
        assertThatThrownBy(() -> x.slice(2, 0, 1)).hasMessageContaining("axis 2").hasMessageContaining("(2, 3)");
    }

    @Test
    void permuteWithARepeatedOrMissingAxis() {
        Tensor x = Tensor.ones(2, 3, 4);
        assertThatThrownBy(() -> x.permute(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permute").hasMessageContaining("repeated").hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> x.permute(0, -3, 1)).hasMessageContaining("repeated");
        assertThatThrownBy(() -> x.permute(1, 0)).hasMessageContaining("2 axes");
    }

    @Test
    void itemOnANonScalar() {
        assertThatThrownBy(() -> Tensor.ones(2, 2).item()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("item()").hasMessageContaining("(2, 2)");
    }

    @Test
    void axisOutOfRange() {
        assertThatThrownBy(() -> Tensor.ones(2, 3).sum(2, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("axis 2").hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> Tensor.ones(2, 3).max(-3, true)).hasMessageContaining("axis -3");
        assertThatThrownBy(() -> Tensor.ones(3).transpose()).hasMessageContaining("axis -2");
    }

    /** Summing an axis twice would reduce it once and divide a mean by its size twice; PyTorch refuses it too. */
    @Test
    void reductionOverARepeatedAxis() {
        assertThatThrownBy(() -> Tensor.ones(2, 3).sum(new int[] {0, -2}, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sum").hasMessageContaining("axis -2 appears twice").hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> Tensor.ones(2, 3).mean(new int[] {1, 1}, true))
                .hasMessageContaining("mean").hasMessageContaining("axis 1 appears twice");
    }

    @Test
    void concatOfTensorsThatDisagreeOffTheAxis() {
        assertThatThrownBy(() -> Tensor.concat(List.of(Tensor.ones(2, 3), Tensor.ones(3, 3)), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concat").hasMessageContaining("(2, 3)").hasMessageContaining("(3, 3)");
        assertThatThrownBy(() -> Tensor.concat(List.of(), 0)).hasMessageContaining("no tensors");
    }

    @Test
    void layerNormWithParametersOfTheWrongSize() {
        assertThatThrownBy(() -> Functional.layerNorm(Tensor.ones(2, 4), Tensor.ones(3), Tensor.ones(3), 1e-5f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layerNorm").hasMessageContaining("(2, 4)").hasMessageContaining("(3)");
    }

    @Test
    void dropoutProbabilityOutsideZeroToOne() {
        assertThatThrownBy(() -> Functional.dropout(Tensor.ones(2), 1f, true, new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout").hasMessageContaining("1.0");
        assertThatThrownBy(() -> Functional.dropout(Tensor.ones(2), -0.1f, false, new Rng(1)))
                .hasMessageContaining("-0.1");
    }

    @Test
    void factoriesRefuseImpossibleShapes() {
        assertThatThrownBy(() -> Tensor.fromArray(new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 values").hasMessageContaining("(2, 2)");
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension -1");
        assertThatThrownBy(() -> Tensor.arange(0, 5, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arange");
    }

    @Test
    void copyFromATensorOfAnotherShape() {
        assertThatThrownBy(() -> Tensor.zeros(2, 2).copyFrom(Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(4)").hasMessageContaining("(2, 2)");
    }
}
