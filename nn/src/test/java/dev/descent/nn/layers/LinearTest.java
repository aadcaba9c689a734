package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.GradCheck;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.ParameterGradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearTest {

    @Test
    void forwardIsXTimesWTransposePlusB() {
        Linear linear = new Linear(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), Tensor.fromArray(new float[] {0.5f, -1, 2}));
        Tensor y = linear.forward(Tensor.fromArray(new float[] {1, -1, 2, 0.5f}, 2, 2));
        // row 0: [1·1 + 2·(−1) + 0.5, 3 − 4 − 1, 5 − 6 + 2];  row 1: [2 + 1 + 0.5, 6 + 2 − 1, 10 + 3 + 2]
        assertThat(y.shape().dims()).containsExactly(2, 3);
        assertThat(y.toArray()).containsExactly(-0.5f, -2f, 1f, 3.5f, 7f, 15f);
    }

    @Test
    void appliesToTheLastAxisOfAnyBatchShapeAndWorksWithoutBias() {
        Linear linear = new Linear(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), null);
        Tensor y = linear.forward(Tensor.fromArray(new float[] {1, -1, 2, 0.5f, 0, 1, 1, 0}, 2, 2, 2));
        assertThat(y.shape().dims()).containsExactly(2, 2, 3);
        assertThat(y.toArray()).containsExactly(-1, -1, -1, 3, 8, 13, 2, 4, 6, 1, 3, 5);
        assertThat(linear.namedParameters().keySet()).containsExactly("weight");
    }

    @Test
    void defaultInitIsUniformWithinOneOverSqrtIn() {
        Linear linear = new Linear(16, 8, new Rng(1));
        double bound = 1 / Math.sqrt(16);
        float max = 0;
        for (float w : linear.weight().toArray()) {
            max = Math.max(max, Math.abs(w));
        }
        assertThat((double) max).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
        for (float b : linear.bias().toArray()) {
            assertThat((double) Math.abs(b)).isLessThanOrEqualTo(bound);
        }
        assertThat(linear.weight().shape().dims()).containsExactly(8, 16);
        assertThat(linear.parameterCount()).isEqualTo(16 * 8 + 8);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void gradientsMatchCentralDifferences(long seed) {
        Rng rng = new Rng(seed);
        Linear linear = new Linear(4, 3, rng);
        Tensor x = Tensor.randn(rng, 2, 5, 4);
        GradCheck.of("Linear input", seed).check(in -> linear.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("Linear", seed, linear, () -> linear.forward(x));
    }

    @Test
    void badShapesAreNamed() {
        assertThatThrownBy(() -> new Linear(Tensor.zeros(3, 2), Tensor.zeros(2)))
                .hasMessageContaining("needs weight (out, in) and bias (out), got (3, 2) and (2)");
        assertThat(new Linear(3, 2, false, new Rng(1)).toString()).isEqualTo("Linear(in=3, out=2, bias=false)");
    }
}
