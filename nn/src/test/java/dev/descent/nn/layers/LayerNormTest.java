package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.GradCheck;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.ParameterGradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerNormTest {

    @Test
    void normalisesEachRowThenScalesAndShifts() {
        LayerNorm ln = new LayerNorm(4);
        ln.weight().copyFrom(Tensor.fromArray(new float[] {1, 2, 1, 1}));
        ln.bias().copyFrom(Tensor.fromArray(new float[] {0, 0, 0, 3}));
        float[] y = ln.forward(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 5, 5, 5}, 2, 4)).toArray();
        // row 0: μ = 2.5, σ² = 1.25;  row 1 is constant, so x − μ = 0 and y = β
        double r = Math.sqrt(1.25 + 1e-5);
        double[] expected = {-1.5 / r, 2 * -0.5 / r, 0.5 / r, 1.5 / r + 3, 0, 0, 0, 3};
        for (int i = 0; i < 8; i++) {
            assertThat((double) y[i]).isCloseTo(expected[i], within(1e-5));
        }
        assertThat(ln.namedParameters().keySet()).containsExactly("weight", "bias");
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Rng rng = new Rng(3);
        LayerNorm ln = new LayerNorm(5);
        ln.weight().copyFrom(Tensor.randn(rng, 5));
        ln.bias().copyFrom(Tensor.randn(rng, 5));
        Tensor x = Tensor.randn(rng, 2, 3, 5);
        GradCheck.of("LayerNorm input", 3).check(in -> ln.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("LayerNorm", 3, ln, () -> ln.forward(x));
    }
}
