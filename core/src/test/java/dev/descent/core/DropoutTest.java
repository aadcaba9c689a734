package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Inverted dropout: zero with probability p, scale survivors by 1/(1−p); identity in evaluation. */
class DropoutTest {

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void gradientThroughAFixedMask(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        float p = shapes.oneOf(1, 3, 5) / 10f;
        Tensor x = new RandomTensors(rng).normal(1, shapes.shape(0, 3));
        long maskSeed = rng.nextLong();
        GradCheck.of("dropout p=" + p, seed)
                .check(in -> Functional.dropout(in.get(0), p, true, new Rng(maskSeed)).pow(2), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void survivorsAreScaledAndTheKeptFractionIsAboutOneMinusP(long seed) {
        Rng rng = new Rng(seed);
        float p = new RandomShapes(rng).oneOf(1, 2, 5, 9) / 10f;
        Tensor x = Tensor.rand(rng, 100, 100).add(1);
        float[] in = x.toArray();
        float[] out = Functional.dropout(x, p, true, rng).toArray();
        int kept = 0;
        for (int i = 0; i < in.length; i++) {
            if (out[i] != 0) {
                kept++;
                assertThat(out[i]).isCloseTo(in[i] / (1 - p), within(1e-5f));
            }
        }
        double sd = Math.sqrt(p * (1 - p) / in.length);
        assertThat(kept / (double) in.length).isCloseTo(1 - p, within(5 * sd));
    }

    @Test
    void theSameSeedDropsTheSameUnits() {
        Tensor x = Tensor.ones(50);
        float[] first = Functional.dropout(x, 0.5f, true, new Rng(7)).toArray();
        assertThat(Functional.dropout(x, 0.5f, true, new Rng(7)).toArray()).containsExactly(first);
        assertThat(Functional.dropout(x, 0.5f, true, new Rng(8)).toArray()).isNotEqualTo(first);
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentity() {
        Tensor x = Tensor.arange(5);
        assertThat(Functional.dropout(x, 0.5f, false, new Rng(1))).isSameAs(x);
        assertThat(Functional.dropout(x, 0f, true, new Rng(1))).isSameAs(x);
    }

    @Test
    void gradientIsTheScaledMask() {
        Tensor x = Tensor.ones(200).requiresGrad(true);
        Tensor y = Functional.dropout(x, 0.75f, true, new Rng(3));
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(y.toArray());
        assertThat(x.grad().toArray()).containsOnly(0f, 4f);
    }
}
