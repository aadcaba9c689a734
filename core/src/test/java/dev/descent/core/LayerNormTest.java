package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Layer normalisation over the last axis, with its affine gamma and beta. */
class LayerNormTest {
    private static final float EPS = 1e-5f;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void gradientForInputGammaAndBeta(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng, 1, 2, 3);
        int c = shapes.oneOf(1, 2, 3, 5, 7, 9);
        int[] lead = shapes.shape(0, 2);
        int[] dims = Arrays.copyOf(lead, lead.length + 1);
        dims[lead.length] = c;
        RandomTensors values = new RandomTensors(rng);
        Tensor x = values.distinct(dims);
        Tensor gamma = values.normal(1, c);
        Tensor beta = values.normal(1, c);
        GradCheck.of("layerNorm", seed).check(in -> Functional.layerNorm(in.get(0), in.get(1), in.get(2), EPS),
                List.of(x, gamma, beta));
    }

    /** With γ = 1, β = 0 each row has mean 0 and variance σ²/(σ² + ε): 1 up to ε, σ² the input row's variance. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void eachRowComesOutWithMeanZeroAndVarianceOne(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int c = shapes.oneOf(2, 3, 5, 7, 31, 100);
        int rows = shapes.dim();
        Tensor x = new RandomTensors(rng).normal(4, rows, c).add(shapes.between(-50, 50));
        float[] y = Functional.layerNorm(x, Tensor.ones(c), Tensor.zeros(c), EPS).toArray();
        float[] xv = x.toArray();
        for (int r = 0; r < rows; r++) {
            double[] in = moments(xv, r * c, c);
            double[] out = moments(y, r * c, c);
            assertThat(out[0]).as("row %d mean", r).isCloseTo(0, within(1e-5));
            assertThat(out[1]).as("row %d variance", r).isCloseTo(in[1] / (in[1] + EPS), within(1e-4));
            assertThat(out[1]).as("row %d variance", r).isCloseTo(1, within(1e-3 + EPS / in[1]));
        }
    }

    /** Mean and biased variance of {@code v[off .. off+n)}, in double. */
    private static double[] moments(float[] v, int off, int n) {
        double mean = 0;
        for (int j = 0; j < n; j++) {
            mean += v[off + j];
        }
        mean /= n;
        double var = 0;
        for (int j = 0; j < n; j++) {
            var += (v[off + j] - mean) * (v[off + j] - mean);
        }
        return new double[] {mean, var / n};
    }

    /** x = (1, 2, 3): μ = 2, σ² = 2/3, x̂ = (−√1.5, 0, √1.5) (up to ε); y = γ⊙x̂ + β. */
    @Test
    void handComputedRowWithAffine() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}, 1, 3);
        Tensor gamma = Tensor.fromArray(new float[] {1, 2, 3});
        Tensor beta = Tensor.fromArray(new float[] {0.5f, 0.5f, -1});
        double xh = 1 / Math.sqrt(2.0 / 3 + EPS);
        assertThat(Functional.layerNorm(x, gamma, beta, EPS).toArray())
                .containsExactly(new float[] {(float) (0.5 - xh), 0.5f, (float) (3 * xh - 1)}, within(1e-6f));
    }

    @Test
    void normalisationIsPerRowNotPerTensor() {
        Tensor x = Tensor.fromArray(new float[] {1, 3, 100, 300}, 2, 2);
        float[] y = Functional.layerNorm(x, Tensor.ones(2), Tensor.zeros(2), 0).toArray();
        assertThat(y).containsExactly(new float[] {-1, 1, -1, 1}, within(1e-6f));
    }

    @Test
    void aConstantRowGivesBetaWithoutNaN() {
        Tensor x = Tensor.full(7, 2, 4).requiresGrad(true);
        Tensor beta = Tensor.fromArray(new float[] {1, 2, 3, 4});
        Tensor y = Functional.layerNorm(x, Tensor.ones(4), beta, EPS);
        assertThat(y.toArray()).containsExactly(1, 2, 3, 4, 1, 2, 3, 4);
        y.sum().backward();
        assertThat(x.grad().toArray()).containsOnly(0f);
    }

    /** dβ sums the upstream gradient over rows; dγ sums g⊙x̂ over rows. */
    @Test
    void affineGradientsSumOverRows() {
        Tensor x = Tensor.fromArray(new float[] {1, 3, 5, 1}, 2, 2);
        Tensor gamma = Tensor.ones(2).requiresGrad(true);
        Tensor beta = Tensor.zeros(2).requiresGrad(true);
        Functional.layerNorm(x, gamma, beta, 0).sum().backward();
        assertThat(beta.grad().toArray()).containsExactly(2, 2);
        assertThat(gamma.grad().toArray()).containsExactly(new float[] {0, 0}, within(1e-6f));
    }
}
