package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Functional.linear: gradients against central differences and equality with x·Wᵀ + b (x flattened to rows), for x
 * of rank 1 to 3.
 */
class AffineTest {

    /** x (lead.., in), W (out, in), b (out) or null. */
    private record Problem(Tensor x, Tensor weight, Tensor bias) {
        static Problem draw(long seed, boolean withBias) {
            Rng rng = new Rng(seed);
            RandomShapes shapes = new RandomShapes(rng);
            int[] lead = shapes.shape(0, 2);
            int in = shapes.dim();
            int out = shapes.dim();
            int[] dims = Arrays.copyOf(lead, lead.length + 1);
            dims[lead.length] = in;
            RandomTensors values = new RandomTensors(rng);
            return new Problem(values.normal(1, dims), values.normal(1, out, in),
                    withBias ? values.normal(1, out) : null);
        }

        List<Tensor> inputs() {
            return bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        }

        @Override
        public String toString() {
            return "x " + x.shape() + ", W " + weight.shape() + ", b " + (bias == null ? "none" : bias.shape());
        }
    }

    static Stream<Arguments> cases() {
        return Seeds.each(List.of(true, false));
    }

    private static Tensor bias(List<Tensor> in) {
        return in.size() > 2 ? in.get(2) : null;
    }

    @ParameterizedTest(name = "bias {0}, seed {1}")
    @MethodSource("cases")
    void gradientMatchesCentralDifferences(boolean withBias, long seed) {
        Problem p = Problem.draw(seed, withBias);
        GradCheck.of("linear " + p, seed).check(in -> Functional.linear(in.get(0), in.get(1), bias(in)), p.inputs());
    }

    @ParameterizedTest(name = "bias {0}, seed {1}")
    @MethodSource("cases")
    void outputAndGradientsEqualMatmulPlusBias(boolean withBias, long seed) {
        Problem p = Problem.draw(seed, withBias);
        Tensor g = Tensor.randn(new Rng(seed + 1), outputDims(p));
        List<Tensor> fused = leaves(p);
        Tensor y1 = Functional.linear(fused.get(0), fused.get(1), bias(fused));
        y1.backward(g);
        List<Tensor> plain = leaves(p);
        Tensor y2 = plain.get(0).reshape(-1, p.weight().dim(1)).matmul(plain.get(1).transpose());
        if (withBias) {
            y2 = y2.add(plain.get(2));
        }
        y2 = y2.reshape(outputDims(p));
        y2.backward(g);
        assertThat(y1.shape()).isEqualTo(y2.shape());
        Close.assertClose("y " + p, y1.toArray(), y2.toArray(), 1e-5);
        for (int i = 0; i < fused.size(); i++) {
            Close.assertClose("gradient " + i + " " + p, fused.get(i).grad().toArray(), plain.get(i).grad().toArray(),
                    1e-5);
        }
    }

    private static int[] outputDims(Problem p) {
        int[] dims = p.x().shape().dims();
        dims[dims.length - 1] = p.weight().dim(0);
        return dims;
    }

    private static List<Tensor> leaves(Problem p) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : p.inputs()) {
            out.add(t.detach().requiresGrad(true));
        }
        return out;
    }

    @Test
    void aVectorMapsToAVector() {
        Tensor y = Functional.linear(Tensor.fromArray(new float[] {1, 2}), Tensor.fromArray(new float[] {1, 0, 3, -1,
                0, 2}, 3, 2), Tensor.fromArray(new float[] {10, 20, 30}));
        assertThat(y.shape()).isEqualTo(Shape.of(3));
        assertThat(y.toArray()).containsExactly(11, 21, 34);
    }

    @Test
    void badShapesNameTheOpAndTheShapes() {
        assertThatThrownBy(() -> Functional.linear(Tensor.ones(2, 3), Tensor.ones(4, 5), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear")
                .hasMessageContaining("(2, 3)").hasMessageContaining("(4, 5)").hasMessageContaining("no bias");
        assertThatThrownBy(() -> Functional.linear(Tensor.ones(2, 3), Tensor.ones(4, 3), Tensor.ones(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear")
                .hasMessageContaining("(4, 3)").hasMessageContaining("(5)");
        assertThatThrownBy(() -> Functional.linear(Tensor.scalar(1), Tensor.ones(4, 1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("()");
    }
}
