package dev.descent.lessons.gradientaccumulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.lessons.gradientaccumulation.Main.Problem;
import dev.descent.optim.GradAccumulation;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class GradientAccumulationTest {
    @Test
    void gpt2BatchIs256MicroBatchesOf2x1024Tokens() {
        assertThat(Main.TOTAL_TOKENS).isEqualTo(256L * 2 * 1024).isEqualTo(524_288L);
        assertThat(GradAccumulation.accumulationSteps(Main.TOTAL_TOKENS, Main.MICRO_BATCH, Main.SEQ_LEN)).isEqualTo(256);
        assertThat(GradAccumulation.accumulationSteps(Main.TOTAL_TOKENS, 4, 1024)).isEqualTo(128);
        assertThatThrownBy(() -> GradAccumulation.accumulationSteps(500_000, 2, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a multiple");
    }

    @Tag("exercise")
    @Test
    void microBatchesWithTheLossScaledBy1OverNGiveTheBigBatchGradient() {
        Problem gpt = Main.gpt(1);
        List<float[]> big = Main.bigBatchGradient(gpt);
        assertThat(Main.maxAbs(big)).isGreaterThan(0.1);
        for (int n : new int[] {2, 4, 8}) {
            assertThat(Main.equalShare(Main.BATCH, n)).isEqualTo(1f / n);
            assertThat(Main.maxAbsDiff(big, Main.accumulatedGradient(gpt, n, Main.equalShare(Main.BATCH, n))))
                    .isLessThan(1e-6);
        }
    }

    @Test
    void theLibraryHelperIsTheSameLoop() {
        Problem gpt = Main.gpt(3);
        assertThat(Main.maxAbsDiff(Main.libraryAccumulatedGradient(gpt, 4), Main.accumulatedGradient(gpt, 4, 0.25f)))
                .isZero();
    }

    @Test
    void forgettingToDivideByNMultipliesTheGradientByN() {
        Problem gpt = Main.gpt(4);
        List<float[]> big = Main.bigBatchGradient(gpt);
        List<float[]> unscaled = Main.accumulatedGradient(gpt, 4, 1f);
        for (int i = 0; i < big.size(); i++) {
            for (int j = 0; j < big.get(i).length; j++) {
                big.get(i)[j] *= 4;
            }
        }
        assertThat(Main.maxAbsDiff(big, unscaled)).isLessThan(4e-6);
    }

    @Tag("exercise")
    @Test
    void unevenMicroBatchesMustBeWeightedBySize() {
        Problem gpt = Main.gpt(5);
        List<float[]> big = Main.bigBatchGradient(gpt);
        assertThat(Main.maxAbsDiff(big, Main.unevenGradient(gpt, 6, 0.5f, 0.5f))).isGreaterThan(1e-2);
        float[] bySize = MicroBatchWeights.of(6, 2);
        assertThat(bySize).containsExactly(0.75f, 0.25f);
        assertThat(Main.maxAbsDiff(big, Main.unevenGradient(gpt, 6, bySize[0], bySize[1]))).isLessThan(1e-6);
    }

    @Test
    void batchNormBreaksTheEquivalence() {
        Problem mlp = Main.batchNormMlp(2);
        List<float[]> big = Main.bigBatchGradient(mlp);
        for (int n : new int[] {2, 4}) {
            // Each micro-batch is normalised by its own mean and variance: a different function, not a rounding error.
            assertThat(Main.maxAbsDiff(big, Main.accumulatedGradient(mlp, n, 1f / n))).isGreaterThan(0.1);
        }
    }
}
