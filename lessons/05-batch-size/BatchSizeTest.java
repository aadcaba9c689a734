package dev.descent.lessons.batchsize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.lessons.batchsize.Main.Sampling;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class BatchSizeTest {
    private static final Regression DATA = Main.data();
    private static final int N = Main.EXAMPLES;

    @Test
    void perExampleGradientsByHandMatchAutograd() {
        // σ² from the hand formula g_i = 2(x_i·w − y_i)·x_i equals the exact B = 1 noise, enumerated by autograd.
        float[] w = {0.5f, -0.25f, 0, 1, 0, 0, -1, 0.75f};
        float[] full = Main.batchGradient(DATA, w, DATA.allRows());
        double total = 0;
        for (int i = 0; i < N; i++) {
            float[] g = Main.batchGradient(DATA, w, new int[] {i});
            for (int j = 0; j < g.length; j++) {
                total += (g[j] - full[j]) * (double) (g[j] - full[j]);
            }
        }
        double sigma2 = Main.perExampleVariance(DATA, w);
        assertThat(total / N).isCloseTo(sigma2, within(1e-4 * sigma2));
    }

    @Test
    @Tag("exercise")
    void miniBatchGradientNoiseFallsAsOneOverB() {
        float[] w0 = new float[Main.FEATURES];
        double sigma2 = Main.perExampleVariance(DATA, w0);
        Rng rng = new Rng(51);
        int[] sizes = {32, 64, 128};
        double[] measured = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            measured[i] = Main.measuredNoise(DATA, w0, sizes[i], 300, rng);
            double predicted = Main.predictedNoise(sigma2, N, sizes[i]);
            assertThat(measured[i] / predicted).as("measured/predicted at B = %d", sizes[i]).isCloseTo(1, within(0.15));
        }
        // Four times the batch, a quarter of the noise (times the finite-population factor (N − B)/(N − 1)).
        assertThat(measured[0] / measured[2]).isCloseTo(4.0 * (N - 32) / (N - 128), within(0.8));
        assertThat(measured[0] / measured[1]).isGreaterThan(1.6);
        assertThat(measured[1] / measured[2]).isGreaterThan(1.6);
    }

    @Test
    void fullBatchGivesTheSmoothestCurve() {
        Main.Curve full = Main.train(DATA, N, Sampling.SHUFFLED_EPOCHS, Main.UPDATES, 1, 1);
        assertThat(Main.roughness(full.excessLoss())).isCloseTo(1.0, within(1e-9));
        for (int b : new int[] {1, 128}) {
            Main.Curve mini = Main.train(DATA, b, Sampling.SHUFFLED_EPOCHS, Main.UPDATES, 1, 1);
            assertThat(Main.roughness(mini.excessLoss())).as("roughness at B = %d", b).isGreaterThan(1.5);
            assertThat(mini.excessLoss()[Main.UPDATES]).isGreaterThan(full.excessLoss()[Main.UPDATES]);
        }
    }

    @Test
    void smallerBatchesLearnMorePerExampleSeen() {
        // One epoch each: 1 update of the full batch, 16 of B = 128, 64 of B = 32.
        double fullBatch = Main.train(DATA, N, Sampling.SHUFFLED_EPOCHS, 1, 1, 2).excessLoss()[1];
        double b128 = Main.train(DATA, 128, Sampling.SHUFFLED_EPOCHS, N / 128, N / 128, 2).excessLoss()[1];
        double b32 = Main.train(DATA, 32, Sampling.SHUFFLED_EPOCHS, N / 32, N / 32, 2).excessLoss()[1];
        assertThat(b32).isLessThan(b128 / 10);
        assertThat(b128).isLessThan(fullBatch / 2);
    }

    @Test
    @Tag("exercise")
    void independentBatchesHoverAtThePredictedNoiseFloorAndShufflingGoesLower() {
        double sigma2Star = Main.perExampleVarianceAtOptimum(DATA);
        double independent = Main.measuredNoiseFloor(DATA, 64, Sampling.INDEPENDENT, 3);
        assertThat(independent / Main.predictedNoiseFloor(sigma2Star, N, 64)).isCloseTo(1, within(0.2));
        assertThat(Main.measuredNoiseFloor(DATA, 64, Sampling.SHUFFLED_EPOCHS, 3)).isLessThan(independent);
    }
}
