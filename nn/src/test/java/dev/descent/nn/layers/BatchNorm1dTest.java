package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.GradCheck;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.ParameterGradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchNorm1dTest {
    private static final double EPS = 1e-5;

    /** Columns: channel 0 = [1, 2, 3, 6] (μ 3, biased σ² 3.5, unbiased 14/3); channel 1 = [0, 0, 2, 2] (μ 1, σ² 1, 4/3). */
    private static Tensor batch() {
        return Tensor.fromArray(new float[] {1, 0, 2, 0, 3, 2, 6, 2}, 4, 2);
    }

    private static void assertClose(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5));
        }
    }

    @Test
    void trainingUsesBiasedBatchStatisticsAndUpdatesRunningStatsWithTheUnbiasedVariance() {
        BatchNorm1d bn = new BatchNorm1d(2);
        float[] y = bn.forward(batch()).toArray();
        double s0 = Math.sqrt(3.5 + EPS);
        double s1 = Math.sqrt(1 + EPS);
        assertClose(y, -2 / s0, -1 / s1, -1 / s0, -1 / s1, 0, 1 / s1, 3 / s0, 1 / s1);
        // running ← 0.9·running + 0.1·batch:  mean from 0, var from 1 with the unbiased batch variance
        assertClose(bn.runningMean().toArray(), 0.3, 0.1);
        assertClose(bn.runningVar().toArray(), 0.9 + 0.1 * 14 / 3.0, 0.9 + 0.1 * 4 / 3.0);
        assertThat(bn.runningMean().requiresGrad()).isFalse();
        bn.forward(batch());
        assertClose(bn.runningMean().toArray(), 0.9 * 0.3 + 0.3, 0.9 * 0.1 + 0.1);
    }

    @Test
    void evaluationUsesTheRunningStatistics() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.forward(batch());
        bn.weight().copyFrom(Tensor.fromArray(new float[] {2, 1}));
        bn.bias().copyFrom(Tensor.fromArray(new float[] {0, -1}));
        bn.eval();
        float[] y = bn.forward(Tensor.fromArray(new float[] {1, 1}, 1, 2)).toArray();
        double v0 = 0.9 + 0.1 * 14 / 3.0;
        double v1 = 0.9 + 0.1 * 4 / 3.0;
        assertClose(y, 2 * (1 - 0.3) / Math.sqrt(v0 + EPS), (1 - 0.1) / Math.sqrt(v1 + EPS) - 1);
        assertClose(bn.runningMean().toArray(), 0.3, 0.1);
    }

    @Test
    void threeDimensionalInputsPoolOverBatchAndLength() {
        BatchNorm1d bn = new BatchNorm1d(2);
        // (N=2, C=2, L=2): channel 0 holds 1, 2, 3, 6 and channel 1 holds 0, 0, 2, 2, as in batch()
        Tensor x = Tensor.fromArray(new float[] {1, 2, 0, 0, 3, 6, 2, 2}, 2, 2, 2);
        double s0 = Math.sqrt(3.5 + EPS);
        double s1 = Math.sqrt(1 + EPS);
        assertClose(bn.forward(x).toArray(), -2 / s0, -1 / s0, -1 / s1, -1 / s1, 0, 3 / s0, 1 / s1, 1 / s1);
        assertClose(bn.runningVar().toArray(), 0.9 + 0.1 * 14 / 3.0, 0.9 + 0.1 * 4 / 3.0);
    }

    @Test
    void gradientsMatchCentralDifferencesInBothModes() {
        Rng rng = new Rng(5);
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.weight().copyFrom(Tensor.randn(rng, 3));
        bn.bias().copyFrom(Tensor.randn(rng, 3));
        Tensor x = Tensor.randn(rng, 4, 3, 2);
        GradCheck.of("BatchNorm1d train input", 5).check(in -> bn.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("BatchNorm1d train", 5, bn, () -> bn.forward(x));
        bn.eval();
        GradCheck.of("BatchNorm1d eval input", 5).check(in -> bn.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("BatchNorm1d eval", 5, bn, () -> bn.forward(x));
    }

    @Test
    void badInputsAreNamed() {
        BatchNorm1d bn = new BatchNorm1d(2);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(4, 3))).hasMessageContaining("needs input (N, 2) or (N, 2, L), got (4, 3)");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(1, 2))).hasMessageContaining("more than one value per channel");
        assertThat(bn.namedBuffers().keySet()).containsExactly("running_mean", "running_var");
    }
}
