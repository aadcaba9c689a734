package dev.descent.lessons.vanishinggradients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.lessons.vanishinggradients.Main.Stack;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VanishingGradientsTest {
    @Test
    void sigmoidDerivativeIsAtMostAQuarter() {
        float[] xs = new float[201];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -10 + 0.1f * i;
        }
        float[] slope = Main.sigmoidSlope(xs);
        for (int i = 0; i < xs.length; i++) {
            double s = 1 / (1 + Math.exp(-xs[i]));
            // σ'(x) = σ(1 − σ) ≤ 1/4, with equality only at σ = 1/2, i.e. x = 0
            assertThat(slope[i]).isCloseTo((float) (s * (1 - s)), within(1e-6f)).isLessThanOrEqualTo(0.25f);
        }
        assertThat(slope[100]).isEqualTo(0.25f);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void sigmoidGradientsVanishTowardTheInput(long seed) {
        double[] norms = Main.weightGradientNorms(Stack.SIGMOID, seed);
        for (int l = 0; l + 1 < norms.length; l++) {
            assertThat(norms[l]).isLessThan(norms[l + 1]);
        }
        // Each layer back multiplies by at most 1/4 from the slope, and by about 1/√3 from the default weights.
        assertThat(Main.factorPerLayer(norms)).isLessThan(0.2);
        assertThat(norms[0] / norms[norms.length - 1]).isLessThan(1e-12);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void tanhWithDefaultInitVanishesToo(long seed) {
        double[] norms = Main.weightGradientNorms(Stack.TANH, seed);
        assertThat(Main.factorPerLayer(norms)).isLessThan(0.75);
        assertThat(norms[0] / norms[norms.length - 1]).isLessThan(1e-3);
    }

    @Tag("exercise")
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void reluWithKaimingInitKeepsGradientsAtTheSameScale(long seed) {
        double[] norms = Main.weightGradientNorms(Stack.RELU_KAIMING, seed);
        double last = norms[norms.length - 1];
        for (double norm : norms) {
            assertThat(norm / last).isBetween(0.1, 10.0);
        }
        assertThat(Main.factorPerLayer(norms)).isBetween(0.85, 1.15);
    }
}
