package dev.descent.lessons.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    private static final Tensor SMALL = Main.vector(2, 1, 0.1f);

    @Test
    @Tag("exercise")
    void softmaxIsAProbabilityDistribution() {
        float[] p = StableSoftmax.of(Main.vector(3, -2, 0.5f, 7)).toArray();
        double sum = 0;
        for (float pi : p) {
            assertThat(pi).isPositive();
            sum += pi;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
        // Hand value: e^2 / (e^2 + e^1 + e^0.1) = 0.659001
        assertThat(Main.naiveSoftmax(SMALL).toArray()[0]).isCloseTo(0.659001f, within(1e-6f));
    }

    @Test
    @Tag("exercise")
    void naiveSoftmaxOverflowsButTheMaxTrickDoesNot() {
        assertThat(Main.largestSafeExponent()).isCloseTo(88.72, within(0.01));
        assertThat(Main.vector(89).exp().item()).isInfinite();
        assertThat(Main.naiveSoftmax(Main.vector(1000, 999, 998)).toArray()).containsOnly(Float.NaN);
        assertThat(Main.naiveSoftmax(Main.vector(-1000, -1000)).toArray()).containsOnly(Float.NaN);

        // Same gaps as [2, 1, 0]: e^0, e^-1, e^-2 over their sum = 0.665241, 0.244728, 0.090031.
        float[] p = StableSoftmax.of(Main.vector(1000, 999, 998)).toArray();
        assertThat(p[0]).isCloseTo(0.665241f, within(1e-6f));
        assertThat(p[1]).isCloseTo(0.244728f, within(1e-6f));
        assertThat(p[2]).isCloseTo(0.090031f, within(1e-6f));
        assertThat(StableSoftmax.of(Main.vector(-1000, -1000)).toArray()).containsExactly(0.5f, 0.5f);
    }

    @Test
    @Tag("exercise")
    void softmaxIsShiftInvariant() {
        float[] base = StableSoftmax.of(SMALL).toArray();
        for (float shift : new float[] {-50, 10, 500}) {
            assertThat(StableSoftmax.of(SMALL.add(shift)).toArray()).containsExactly(base, within(1e-6f));
            // Where e^z is still finite, the naive formula sees the same invariance.
            assertThat(Main.naiveSoftmax(SMALL.add(shift / 20)).toArray()).containsExactly(base, within(1e-6f));
        }
    }

    @Test
    @Tag("exercise")
    void frameworkSoftmaxAgreesWithTheMaxTrickAndStaysFiniteAtPlusMinus1000() {
        Tensor z = Tensor.fromArray(new float[] {1000, -1000, 0, 999, -1000, -1000, -999, -1000, 5, 4, 3, 2}, 3, 4);
        float[] fused = z.softmax().toArray();
        assertThat(fused).containsExactly(StableSoftmax.of(z).toArray(), within(1e-7f));
        for (float p : fused) {
            assertThat(p).isBetween(0f, 1f);
        }
        assertThat(fused[0]).isCloseTo(0.731059f, within(1e-6f));
    }

    @Test
    @Tag("exercise")
    void frameworkSoftmaxGradientAgreesWithThePrimitiveOne() {
        float[] logits = {2, 1, 0.1f, -3};
        float[] weights = {0.3f, -1.2f, 0.7f, 2};
        assertThat(Main.softmaxGradient(logits, weights, true))
                .containsExactly(Main.softmaxGradient(logits, weights, false), within(1e-6f));
    }

    @Test
    void lowTemperatureApproachesArgmaxAndHighTemperatureApproachesUniform() {
        Tensor z = Main.vector(Main.LOGITS);
        float[] cold = Main.softmaxAtTemperature(z, 0.1f).toArray();
        float[] hot = Main.softmaxAtTemperature(z, 100).toArray();
        assertThat(cold[0]).isGreaterThan(0.9999f);
        for (float p : hot) {
            assertThat(p).isCloseTo(0.2f, within(0.004f));
        }
        assertThat(Main.entropy(cold)).isLessThan(1e-3);
        assertThat(Main.entropy(hot)).isCloseTo(Math.log(5), within(1e-3));
        // Entropy grows with T, and the ranking of the classes never changes.
        double previous = -1;
        for (float t : new float[] {0.1f, 0.5f, 1, 2, 10}) {
            float[] p = Main.softmaxAtTemperature(z, t).toArray();
            assertThat(Main.entropy(p)).isGreaterThan(previous);
            previous = Main.entropy(p);
            for (int c = 1; c < p.length; c++) {
                assertThat(p[c]).isLessThan(p[c - 1]);
            }
        }
    }
}
