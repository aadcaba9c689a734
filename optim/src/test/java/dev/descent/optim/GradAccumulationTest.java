package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Gradient accumulation: 4 micro-batches of 2, each loss scaled by 1/4, give the gradient of one batch of 8 for a
 * per-example model (a linear layer and MSE), and do not for batch normalisation.
 */
class GradAccumulationTest {
    static final int BATCH = 8;
    static final int MICRO = 2;
    static final int STEPS = BATCH / MICRO;

    final Rng rng = new Rng(42);
    final Tensor x = Tensor.randn(rng, BATCH, 3);
    final Tensor y = Tensor.randn(rng, BATCH, 2);
    final Tensor w = Tensor.randn(rng, 3, 2).requiresGrad(true);
    final Tensor b = Tensor.randn(rng, 2).requiresGrad(true);

    /** MSE of the linear layer: mean((x·W + b − y)²). */
    Tensor linearLoss(Tensor xs, Tensor ys) {
        Tensor r = xs.matmul(w).add(b).sub(ys);
        return r.mul(r).mean();
    }

    /**
     * MSE after batch normalisation with batch statistics, as BatchNorm computes it in training mode:
     * z = x·W + b ;  ẑ = (z − mean_batch z) / √(var_batch z + ε) ;  L = mean((ẑ − y)²).
     */
    Tensor batchNormLoss(Tensor xs, Tensor ys) {
        Tensor z = xs.matmul(w).add(b);
        Tensor centered = z.sub(z.mean(0, true));
        Tensor variance = centered.mul(centered).mean(0, true);
        Tensor r = centered.div(variance.add(1e-5f).sqrt()).sub(ys);
        return r.mul(r).mean();
    }

    /** [dW, db] of the whole batch, and of 4 accumulated micro-batches; the mean losses in the last row. */
    float[][][] fullAndAccumulated(BiFunction<Tensor, Tensor, Tensor> loss) {
        Tensor full = loss.apply(x, y);
        float fullLoss = full.item();
        full.backward();
        float[][] fullGrads = {w.grad().toArray(), b.grad().toArray(), {fullLoss}};
        w.zeroGrad();
        b.zeroGrad();
        double mean = GradAccumulation.accumulate(List.of(w, b), STEPS,
                k -> loss.apply(x.slice(0, k * MICRO, (k + 1) * MICRO), y.slice(0, k * MICRO, (k + 1) * MICRO)));
        float[][] accumulated = {w.grad().toArray(), b.grad().toArray(), {(float) mean}};
        return new float[][][] {fullGrads, accumulated};
    }

    @Test
    void fourMicroBatchesOfTwoGiveTheGradientOfOneBatchOfEight() {
        float[][][] r = fullAndAccumulated(this::linearLoss);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < r[0][i].length; j++) {
                assertThat(r[1][i][j]).isCloseTo(r[0][i][j], within(1e-6f * Math.max(1, Math.abs(r[0][i][j]))));
            }
        }
    }

    /**
     * The caveat: batch normalisation couples the examples of a batch (each is normalised with its batch's mean
     * and variance), so 4 micro-batches of 2 compute a different loss and gradient than one batch of 8.
     */
    @Test
    void batchNormBreaksTheEquivalence() {
        float[][][] r = fullAndAccumulated(this::batchNormLoss);
        double largest = 0;
        for (int j = 0; j < r[0][0].length; j++) {
            largest = Math.max(largest, Math.abs(r[1][0][j] - r[0][0][j]));
        }
        assertThat(largest).as("largest dW difference").isGreaterThan(0.05);
        assertThat(Math.abs(r[1][2][0] - r[0][2][0])).as("loss difference").isGreaterThan(0.05f);
    }

    @Test
    void oneAccumulatedStepEqualsOneFullBatchStep() {
        float[] w0 = w.toArray();
        float[] b0 = b.toArray();
        Tensor full = linearLoss(x, y);
        full.backward();
        float[] g = w.grad().toArray();
        w.zeroGrad();
        b.zeroGrad();

        SGD sgd = new SGD(List.of(w, b)).lr(0.1);
        double loss = GradAccumulation.step(sgd, STEPS,
                k -> linearLoss(x.slice(0, k * MICRO, (k + 1) * MICRO), y.slice(0, k * MICRO, (k + 1) * MICRO)));

        assertThat(loss).isCloseTo(full.item(), within(1e-6));
        float[] expected = new float[w0.length];
        for (int i = 0; i < w0.length; i++) {
            // θ − γ·∇L(full batch)
            expected[i] = w0[i] - 0.1f * g[i];
        }
        assertThat(w.toArray()).containsExactly(expected, within(1e-6f));
        assertThat(b.toArray()).isNotEqualTo(b0);
    }

    @Test
    void accumulationStepsOfTheGpt2Recipe() {
        assertThat(GradAccumulation.accumulationSteps(1 << 19, 2, 1024)).isEqualTo(256);
        assertThat(GradAccumulation.accumulationSteps(524_288, 64, 1024)).isEqualTo(8);
        assertThatThrownBy(() -> GradAccumulation.accumulationSteps(1_000_000, 2, 1024))
                .hasMessageContaining("total batch of 1000000 tokens is not a multiple of the micro-batch 2 x 1024 = 2048");
        assertThatThrownBy(() -> GradAccumulation.accumulationSteps(1 << 19, 0, 1024))
                .hasMessageContaining("sizes must be >= 1");
    }
}
