package dev.descent.lessons.contrastivelearning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ContrastiveLearningTest {
    @Tag("exercise")
    @Test
    void ntXentByHand() {
        // Two orthogonal points, each view identical to its point, τ = 1. Every row sees its positive at cosine 1
        // and two negatives at cosine 0 (its own similarity is masked): ℓ = −log(e / (e + 2)) = log(1 + 2/e).
        Tensor z = Tensor.fromArray(new float[] {1, 0, 0, 1}, 2, 2);
        assertThat(Contrastive.ntXent(z, z, 1f).item()).isCloseTo((float) Math.log(1 + 2 / Math.E), within(1e-6f));
    }

    @Tag("exercise")
    @Test
    void ntXentAndInfoNceFromPrimitivesAgreeWithNn() {
        for (float tau : new float[] {0.1f, 0.5f}) {
            double[] diff = Main.compareWithNn(tau);
            assertThat(diff[0]).as("NT-Xent value, tau %s", tau).isLessThan(1e-5);
            assertThat(diff[1]).as("NT-Xent gradient, tau %s", tau).isLessThan(1e-5);
            assertThat(diff[2]).as("InfoNCE value, tau %s", tau).isLessThan(1e-5);
        }
    }

    @Tag("exercise")
    @Test
    void trainingPullsPositivesTogetherAndPushesNegativesApart() {
        double[] before = Main.evaluate(Main.encoder(26));
        Main.Training run = Main.train(0.2f, Main.STEPS, 26);
        double[] after = Main.evaluate(run.encoder());
        assertThat(after[0]).isGreaterThan(before[0] + 0.4).isGreaterThan(0.9);
        assertThat(after[1]).isLessThan(before[1] - 0.3);
        assertThat(Math.abs(after[1])).isLessThan(0.1);
        assertThat(before[2]).isLessThan(0.1);
        assertThat(after[2]).isGreaterThan(0.7);
    }

    @Tag("exercise")
    @Test
    void lowerTemperatureConcentratesTheGradientOnFewerNegatives() {
        float[] taus = {0.05f, 0.1f, 0.2f, 0.5f, 1f};
        double previous = 0;
        for (float tau : taus) {
            double effective = Main.effectiveNegatives(tau);
            assertThat(effective).as("tau %s", tau).isGreaterThan(previous);
            previous = effective;
        }
        assertThat(Main.effectiveNegatives(0.05f)).isLessThan(10);
        assertThat(Main.effectiveNegatives(1f)).isGreaterThan(55);
    }
}
