package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.GradCheck;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ActivationsTest {
    private static final float[] X = {-2f, -0.5f, 0.25f, 1f, 3f};

    /** Each activation with its values at X, from the formula in double. */
    static Stream<Arguments> activations() {
        return Stream.of(
                Arguments.of(new ReLU(), new double[] {0, 0, 0.25, 1, 3}),
                Arguments.of(new Tanh(), map(Math::tanh)),
                Arguments.of(new Sigmoid(), map(x -> 1 / (1 + Math.exp(-x)))),
                Arguments.of(new GELU(), map(x -> x * phi(x))),
                Arguments.of(new GELU(GELU.Approximate.TANH),
                        map(x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))))));
    }

    private static double[] map(java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            y[i] = f.applyAsDouble(X[i]);
        }
        return y;
    }

    /** Φ(x) from the error function's series, precise to ~1e-12 for |x| ≤ 3. */
    private static double phi(double x) {
        double z = x / Math.sqrt(2);
        double term = z;
        double sum = z;
        for (int n = 1; n < 60; n++) {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return 0.5 * (1 + 2 / Math.sqrt(Math.PI) * sum);
    }

    @ParameterizedTest
    @MethodSource("activations")
    void forwardMatchesTheFormulaAndGradientsCheck(Module activation, double[] expected) {
        float[] y = activation.forward(Tensor.fromArray(X, 5)).toArray();
        for (int i = 0; i < X.length; i++) {
            assertThat((double) y[i]).as("%s at %s", activation, X[i]).isCloseTo(expected[i], within(1e-5));
        }
        GradCheck.of(activation.toString(), 1).check(in -> activation.forward(in.get(0)), List.of(Tensor.fromArray(X, 5)));
        assertThat(activation.parameterCount()).isZero();
    }
}
