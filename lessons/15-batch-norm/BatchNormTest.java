package dev.descent.lessons.batchnorm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.batchnorm.Main.ByHand;
import dev.descent.nn.layers.BatchNorm1d;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class BatchNormTest {
    private static final int C = 5;

    private static ByHand randomAffine() {
        return new ByHand(Tensor.randn(new Rng(1), C).add(1), Tensor.randn(new Rng(2), C));
    }

    @Test
    void byHandAgreesWithBatchNorm1dInTrainingAndEval() {
        ByHand byHand = randomAffine();
        BatchNorm1d bn = Main.frameworkTwin(byHand);
        Tensor upstream = Tensor.randn(new Rng(3), 6, C);
        for (int step = 0; step < 4; step++) {
            Tensor x1 = Main.batch(10 + step, 6, C).requiresGrad(true);
            Tensor x2 = Main.batch(10 + step, 6, C).requiresGrad(true);
            Tensor y1 = byHand.forward(x1, true);
            Tensor y2 = bn.forward(x2);
            assertThat(y1.toArray()).containsExactly(y2.toArray(), within(1e-5f));
            y1.mul(upstream).sum().backward();
            y2.mul(upstream).sum().backward();
            assertThat(x1.grad().toArray()).containsExactly(x2.grad().toArray(), within(1e-5f));
        }
        assertThat(byHand.gamma.grad().toArray()).containsExactly(bn.weight().grad().toArray(), within(1e-4f));
        assertThat(byHand.beta.grad().toArray()).containsExactly(bn.bias().grad().toArray(), within(1e-4f));
        assertThat(byHand.runningMean.toArray()).containsExactly(bn.runningMean().toArray(), within(1e-6f));
        assertThat(byHand.runningVar.toArray()).containsExactly(bn.runningVar().toArray(), within(1e-5f));
        bn.eval();
        Tensor test = Main.batch(99, 3, C);
        assertThat(byHand.forward(test, false).toArray()).containsExactly(bn.forward(test).toArray(), within(1e-5f));
    }

    @Tag("exercise")
    @Test
    void handDerivedBackwardMatchesAutograd() {
        for (int n : new int[] {2, 8, 64}) {
            assertThat(Main.backwardByHandVsAutograd(n, C)).as("batch of %d", n).isLessThan(1e-5);
        }
    }

    @Test
    void trainingOutputsHaveZeroMeanAndUnitVariancePerFeature() {
        Tensor y = new BatchNorm1d(C).forward(Main.batch(4, 16, C));
        float[] mean = y.mean(0, false).toArray();
        float[] var = y.pow(2).mean(0, false).toArray();
        for (int c = 0; c < C; c++) {
            assertThat(mean[c]).isCloseTo(0f, within(1e-5f));
            assertThat(var[c]).isCloseTo(1f, within(1e-4f));
        }
    }

    @Test
    void inTrainingAnExampleOutputDependsOnItsBatchMatesInEvalItDoesNot() {
        BatchNorm1d bn = new BatchNorm1d(C);
        Tensor x = Main.batch(5, 4, C);
        Tensor changed = Tensor.concat(List.of(x.slice(0, 0, 1), Main.batch(6, 3, C)), 0);
        float[] row0 = bn.forward(x).slice(0, 0, 1).toArray();
        float[] row0Changed = bn.forward(changed).slice(0, 0, 1).toArray();
        assertThat(Main.maxAbsDiff(Tensor.fromArray(row0, C), Tensor.fromArray(row0Changed, C))).isGreaterThan(0.1);
        bn.eval();
        assertThat(bn.forward(changed).slice(0, 0, 1).toArray()).containsExactly(bn.forward(x).slice(0, 0, 1).toArray());
    }

    @Test
    void runningStatisticsFollowTheMomentumRecursionWithUnbiasedVariance() {
        int n = 4;
        Tensor x = Main.batch(7, n, C);
        ByHand byHand = new ByHand(Tensor.ones(C), Tensor.zeros(C));
        BatchNorm1d bn = new BatchNorm1d(C);
        float[] trainOut = bn.forward(x).toArray();
        byHand.forward(x, true);
        for (int k = 1; k < 3; k++) {
            bn.forward(x);
            byHand.forward(x, true);
        }
        float[] data = x.toArray();
        double decay = Math.pow(0.9, 3);
        for (int c = 0; c < C; c++) {
            double mu = 0;
            for (int i = 0; i < n; i++) {
                mu += data[i * C + c] / n;
            }
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += Math.pow(data[i * C + c] - mu, 2);
            }
            // after k identical batches: r_mean = (1 − 0.9^k)·μ,  r_var = 0.9^k·1 + (1 − 0.9^k)·Σ(x − μ)²/(n − 1)
            assertThat(bn.runningMean().toArray()[c]).isCloseTo((float) ((1 - decay) * mu), within(1e-5f));
            assertThat(bn.runningVar().toArray()[c]).isCloseTo((float) (decay + (1 - decay) * ss / (n - 1)), within(1e-4f));
            assertThat(byHand.runningVar.toArray()[c]).isCloseTo(bn.runningVar().toArray()[c], within(1e-5f));
        }
        for (int k = 3; k < 200; k++) {
            bn.forward(x);
        }
        // Converged on this batch, eval still differs from training by √((n−1)/n): unbiased vs biased variance.
        bn.eval();
        float[] evalOut = bn.forward(x).toArray();
        for (int i = 0; i < evalOut.length; i++) {
            assertThat(evalOut[i]).isCloseTo((float) (trainOut[i] * Math.sqrt(0.75)), within(1e-4f));
        }
    }

    @Test
    void batchNormTrainsADeepMlpFasterAndToleratesAHigherLearningRate() {
        // After 50 steps at lr 0.03 the plain network has barely moved from ln 2; with batch norm it is nearly done.
        assertThat(Main.train(false, 0.03, 51, 1)[50]).isGreaterThan(0.5);
        assertThat(Main.train(true, 0.03, 51, 1)[50]).isLessThan(0.1);
        // At ten times that rate the plain network is stuck at ln 2 = 0.693; batch norm trains as well as before.
        assertThat(Main.train(false, 0.3, 51, 1)[50]).isGreaterThan(0.6);
        assertThat(Main.train(true, 0.3, 51, 1)[50]).isLessThan(0.1);
    }
}
