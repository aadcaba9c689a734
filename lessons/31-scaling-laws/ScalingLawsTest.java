package dev.descent.lessons.scalinglaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.lessons.scalinglaws.Main.Corpus;
import dev.descent.lessons.scalinglaws.Main.PowerLaw;
import dev.descent.lessons.scalinglaws.Main.Run;
import dev.descent.lessons.scalinglaws.Main.Sweep;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ScalingLawsTest {
    @Test
    void lossFallsWithSizeAlongAPowerLaw() {
        Corpus corpus = Main.mobyDick(60_000, 8_000);
        // A smaller sweep than Main's: three widths, 100 steps of 64 characters each.
        List<Run> runs = Main.sweep(corpus, new Sweep(new int[] {2, 8, 32}, 100, 64, 1e-2, 29));
        double[] n = runs.stream().mapToDouble(Run::parameters).toArray();
        double[] loss = runs.stream().mapToDouble(Run::validationLoss).toArray();
        assertThat(loss[1]).isLessThan(loss[0] - 0.1);
        assertThat(loss[2]).isLessThan(loss[1] - 0.1);
        // Every model beats a uniform guess over the characters, ln V nats.
        assertThat(loss[0]).isLessThan(Math.log(corpus.vocab()));
        PowerLaw law = PowerLawFit.of(n, loss);
        assertThat(law.alpha()).isBetween(0.03, 0.2);
        assertThat(law.rSquared()).isGreaterThan(0.9);
    }

    @Test
    void theMainSweepScattersAroundItsLineWithoutBending() {
        Corpus corpus = Main.mobyDick(250_000, 25_000);
        List<Run> runs = Main.sweep(corpus, Main.MAIN_SWEEP);
        double[] n = runs.stream().mapToDouble(Run::parameters).toArray();
        double[] loss = runs.stream().mapToDouble(Run::validationLoss).toArray();
        for (int i = 1; i < loss.length; i++) {
            assertThat(loss[i]).as("width %d", runs.get(i).width()).isLessThan(loss[i - 1]);
        }
        PowerLaw law = PowerLawFit.of(n, loss);
        double[] residuals = law.residuals(n, loss);
        // Above, below, above, below, above: scatter of a few hundredths of a nat, no systematic bend.
        assertThat(Main.signsAlternate(residuals)).as("residuals %s", java.util.Arrays.toString(residuals)).isTrue();
        for (double r : residuals) {
            assertThat(Math.abs(r)).isLessThan(0.05);
        }
        assertThat(law.nc()).isBetween(1e7, 1e9);
    }

    @Test
    void residualSignsAlternateOnlyWhenEveryNeighbourDiffers() {
        assertThat(Main.signsAlternate(new double[] {0.02, -0.03, 0.01, -0.01, 0.01})).isTrue();
        assertThat(Main.signsAlternate(new double[] {0.02, -0.03, -0.01, 0.01})).isFalse();
    }

    @Tag("exercise")
    @Test
    void leastSquaresRecoversAnExactPowerLaw() {
        double[] n = {1e3, 3e3, 1e4, 3e4, 1e5};
        double[] loss = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            loss[i] = Math.pow(8.8e13 / n[i], 0.076);
        }
        PowerLaw law = PowerLawFit.of(n, loss);
        assertThat(law.alpha()).isCloseTo(0.076, within(1e-12));
        assertThat(law.nc() / 8.8e13).isCloseTo(1.0, within(1e-9));
        assertThat(law.rSquared()).isCloseTo(1.0, within(1e-12));
    }

    @Tag("exercise")
    @Test
    void closedFormFitAgreesWithAutogradAndSgd() {
        Rng rng = new Rng(7);
        double[] n = {900, 1800, 3500, 7000, 13500};
        double[] loss = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            loss[i] = Math.pow(2e8 / n[i], 0.08) * (1 + 0.02 * (rng.nextDouble() - 0.5));
        }
        PowerLaw law = PowerLawFit.of(n, loss);
        double[] descended = Main.fitByGradientDescent(n, loss, 300);
        assertThat(descended[0]).isCloseTo(law.alpha(), within(1e-4));
        assertThat(Math.log(descended[1])).isCloseTo(Math.log(law.nc()), within(1e-2));
        assertThat(law.rSquared()).isLessThan(1.0).isGreaterThan(0.95);
    }

    @Test
    void nonEmbeddingCountByHandMatchesTheModule() {
        for (int width : new int[] {4, 64}) {
            MlpLanguageModel model = new MlpLanguageModel(81, Main.CONTEXT, Main.EMBEDDING, width, new Rng(1));
            assertThat(model.nonEmbeddingParameters()).isEqualTo(Main.nonEmbeddingParametersByHand(81, width));
            assertThat(model.parameterCount()).isEqualTo(Main.nonEmbeddingParametersByHand(81, width) + 81L * 16);
        }
    }

    @Test
    void charactersOutsideTheTrainingTextShareOneUnknownId() {
        Corpus corpus = Main.corpus("abca", "cbz");
        assertThat(corpus.vocab()).isEqualTo(4);
        assertThat(corpus.train()).containsExactly(0, 1, 2, 0);
        assertThat(corpus.validation()).containsExactly(2, 1, 3);
    }
}
