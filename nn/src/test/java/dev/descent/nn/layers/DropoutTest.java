package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.GradCheck;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropoutTest {

    @ParameterizedTest
    @ValueSource(floats = {0.1f, 0.5f, 0.8f})
    void trainingKeepsAboutOneMinusPAndScalesSurvivors(float p) {
        Dropout dropout = new Dropout(p, new Rng(42));
        float[] y = dropout.forward(Tensor.full(3f, 200, 500)).toArray();
        int kept = 0;
        for (float v : y) {
            if (v != 0) {
                kept++;
                assertThat(v).isCloseTo(3f / (1 - p), within(1e-5f));
            }
        }
        // 100,000 Bernoulli draws: the standard deviation of the kept fraction is below 0.0016
        assertThat(kept / 100_000.0).isCloseTo(1 - p, within(0.01));
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 0.5f})
    void evaluationIsTheIdentity(float p) {
        Dropout dropout = new Dropout(p, new Rng(1));
        dropout.eval();
        Tensor x = Tensor.randn(new Rng(2), 4, 5);
        assertThat(dropout.forward(x)).isSameAs(x);
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 4})
    void theGradientPassesThroughTheSameMask(long seed) {
        Tensor x = Tensor.randn(new Rng(seed), 3, 4);
        GradCheck.of("Dropout", seed).check(in -> new Dropout(0.4f, new Rng(seed)).forward(in.get(0)), List.of(x));
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor y = new Dropout(0.4f, new Rng(seed)).forward(leaf);
        y.sum().backward();
        float[] g = leaf.grad().toArray();
        float[] out = y.toArray();
        float[] in = x.toArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).isCloseTo(out[i] == 0 ? 0f : 1 / 0.6f, within(1e-5f));
            assertThat(out[i]).isCloseTo(out[i] == 0 ? 0f : in[i] / 0.6f, within(1e-5f));
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.1f, 1f})
    void probabilitiesOutsideZeroToOneAreRejected(float p) {
        assertThatThrownBy(() -> new Dropout(p, new Rng(1))).hasMessageContaining("probability must be in [0, 1)");
    }
}
