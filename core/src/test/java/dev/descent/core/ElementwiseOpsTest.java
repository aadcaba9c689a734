package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Forward values and gradients of the elementwise ops: arithmetic with broadcasting, math functions, scalars. */
class ElementwiseOpsTest {

    /** A one-input op and how to draw an input in its domain. */
    record UnaryCase(String name, UnaryOperator<Tensor> op, BiFunction<RandomTensors, int[], Tensor> input) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A two-input broadcasting op and how to draw its divisor-safe right operand. */
    record BinaryCase(String name, BinaryOperator<Tensor> op, BiFunction<RandomTensors, int[], Tensor> right) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<UnaryCase> UNARY = List.of(
            new UnaryCase("neg", Tensor::neg, (r, d) -> r.normal(2, d)),
            new UnaryCase("exp", Tensor::exp, (r, d) -> r.normal(1.5f, d)),
            new UnaryCase("log", Tensor::log, (r, d) -> r.uniform(0.5f, 3, d)),
            new UnaryCase("sqrt", Tensor::sqrt, (r, d) -> r.uniform(0.5f, 3, d)),
            new UnaryCase("tanh", Tensor::tanh, (r, d) -> r.normal(2, d)),
            new UnaryCase("sigmoid", Tensor::sigmoid, (r, d) -> r.normal(3, d)),
            new UnaryCase("relu", Tensor::relu, (r, d) -> r.awayFromZero(0.05f, d)),
            new UnaryCase("gelu(tanh)", Tensor::gelu, (r, d) -> r.normal(2, d)),
            new UnaryCase("gelu(exact)", Tensor::geluExact, (r, d) -> r.normal(2, d)),
            new UnaryCase("silu", Tensor::silu, (r, d) -> r.normal(2, d)),
            new UnaryCase("pow 2", x -> x.pow(2), (r, d) -> r.normal(1.5f, d)),
            new UnaryCase("pow 3", x -> x.pow(3), (r, d) -> r.normal(1.5f, d)),
            new UnaryCase("pow 0", x -> x.pow(0), (r, d) -> r.normal(1.5f, d)),
            new UnaryCase("pow 0.5", x -> x.pow(0.5f), (r, d) -> r.uniform(0.5f, 3, d)),
            new UnaryCase("pow -1", x -> x.pow(-1), (r, d) -> r.uniform(0.5f, 3, d)),
            new UnaryCase("pow 1.5", x -> x.pow(1.5f), (r, d) -> r.uniform(0.5f, 3, d)),
            new UnaryCase("add scalar", x -> x.add(1.75f), (r, d) -> r.normal(2, d)),
            new UnaryCase("sub scalar", x -> x.sub(0.5f), (r, d) -> r.normal(2, d)),
            new UnaryCase("mul scalar", x -> x.mul(-2.5f), (r, d) -> r.normal(2, d)),
            new UnaryCase("div scalar", x -> x.div(4f), (r, d) -> r.normal(2, d)));

    private static final List<BinaryCase> BINARY = List.of(
            new BinaryCase("add", Tensor::add, (r, d) -> r.normal(1, d)),
            new BinaryCase("sub", Tensor::sub, (r, d) -> r.normal(1, d)),
            new BinaryCase("mul", Tensor::mul, (r, d) -> r.normal(1, d)),
            new BinaryCase("div", Tensor::div, (r, d) -> r.awayFromZero(0.5f, d)));

    static Stream<Arguments> unaryCases() {
        return Seeds.each(UNARY);
    }

    static Stream<Arguments> binaryCases() {
        return Seeds.each(BINARY);
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("unaryCases")
    void unaryGradient(UnaryCase c, long seed) {
        Rng rng = new Rng(seed);
        int[] dims = new RandomShapes(rng).shape(0, 3);
        Tensor x = c.input().apply(new RandomTensors(rng), dims);
        GradCheck.of(c.name(), seed).check(in -> c.op().apply(in.get(0)), List.of(x));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("binaryCases")
    void binaryGradientWithBroadcasting(BinaryCase c, long seed) {
        Rng rng = new Rng(seed);
        int[][] dims = new RandomShapes(rng).broadcastPair(3);
        RandomTensors values = new RandomTensors(rng);
        Tensor a = values.normal(1, dims[0]);
        Tensor b = c.right().apply(values, dims[1]);
        GradCheck.of(c.name(), seed).check(in -> c.op().apply(in.get(0), in.get(1)), List.of(a, b));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("binaryCases")
    void binaryOpOfATensorWithItself(BinaryCase c, long seed) {
        Rng rng = new Rng(seed);
        Tensor x = new RandomTensors(rng).awayFromZero(0.5f, new RandomShapes(rng).shape(0, 3));
        GradCheck.of(c.name() + "(x, x)", seed).check(in -> c.op().apply(in.get(0), in.get(0)), List.of(x));
    }

    @Test
    void arithmeticBroadcastsARowAcrossAMatrix() {
        Tensor m = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = Tensor.fromArray(new float[] {10, 20, 40}, 3);
        assertThat(m.add(row).toArray()).containsExactly(11, 22, 43, 14, 25, 46);
        assertThat(m.sub(row).toArray()).containsExactly(-9, -18, -37, -6, -15, -34);
        assertThat(m.mul(row).toArray()).containsExactly(10, 40, 120, 40, 100, 240);
        assertThat(row.div(m).toArray()).containsExactly(new float[] {10, 10, 40f / 3, 2.5f, 4, 40f / 6}, within(1e-6f));
        assertThat(m.add(row).shape()).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void columnPlusRowIsAnOuterSum() {
        Tensor col = Tensor.fromArray(new float[] {1, 2}, 2, 1);
        Tensor row = Tensor.fromArray(new float[] {10, 20, 30}, 1, 3);
        Tensor sum = col.add(row);
        assertThat(sum.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(sum.toArray()).containsExactly(11, 21, 31, 12, 22, 32);
    }

    @Test
    void aScalarTensorBroadcastsToAnyShape() {
        Tensor s = Tensor.scalar(3);
        Tensor m = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 1, 2);
        assertThat(m.mul(s).shape()).isEqualTo(Shape.of(2, 1, 2));
        assertThat(m.mul(s).toArray()).containsExactly(3, 6, 9, 12);
        assertThat(s.sub(m).toArray()).containsExactly(2, 1, 0, -1);
    }

    @Test
    void scalarArithmetic() {
        Tensor x = Tensor.fromArray(new float[] {-2, 0, 3});
        assertThat(x.add(1.5f).toArray()).containsExactly(-0.5f, 1.5f, 4.5f);
        assertThat(x.sub(1).toArray()).containsExactly(-3, -1, 2);
        assertThat(x.mul(-2).toArray()).containsExactly(4, -0f, -6);
        assertThat(x.div(4).toArray()).containsExactly(-0.5f, 0, 0.75f);
        assertThat(x.neg().toArray()).containsExactly(2, -0f, -3);
    }

    @Test
    void powExpLogSqrtAtKnownPoints() {
        Tensor x = Tensor.fromArray(new float[] {1, 4, 9});
        assertThat(x.pow(2).toArray()).containsExactly(1, 16, 81);
        assertThat(x.pow(0.5f).toArray()).containsExactly(new float[] {1, 2, 3}, within(1e-6f));
        assertThat(x.pow(-1).toArray()).containsExactly(new float[] {1, 0.25f, 1f / 9}, within(1e-7f));
        assertThat(x.sqrt().toArray()).containsExactly(1, 2, 3);
        assertThat(Tensor.fromArray(new float[] {0, 1, -1}).exp().toArray())
                .containsExactly(new float[] {1, (float) Math.E, (float) (1 / Math.E)}, within(1e-6f));
        assertThat(Tensor.fromArray(new float[] {1, (float) Math.E, 0.5f}).log().toArray())
                .containsExactly(new float[] {0, 1, (float) Math.log(0.5)}, within(1e-6f));
    }

    /** x⁰ = 1 everywhere, so its gradient is 0 everywhere, x = 0 included (not 0·0⁻¹ = NaN). */
    @Test
    void powZeroHasZeroGradientEvenAtZero() {
        Tensor x = Tensor.fromArray(new float[] {0, 2, -1}).requiresGrad(true);
        assertThat(x.pow(0).toArray()).containsExactly(1, 1, 1);
        x.pow(0).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(0, 0, 0);
    }

    @Test
    void activationsAtKnownPoints() {
        Tensor x = Tensor.fromArray(new float[] {-2, 0, 1});
        assertThat(x.relu().toArray()).containsExactly(0, 0, 1);
        assertThat(x.tanh().toArray()).containsExactly(new float[] {-0.9640276f, 0, 0.7615942f}, within(1e-6f));
        assertThat(x.sigmoid().toArray()).containsExactly(new float[] {0.11920292f, 0.5f, 0.7310586f}, within(1e-6f));
    }

    /** silu(x) = x·σ(x): 0 at 0, 1/(1 + e^−1) at 1, −2/(1 + e²) at −2. */
    @Test
    void siluAtKnownPoints() {
        assertThat(Tensor.fromArray(new float[] {0, 1, -2}).silu().toArray())
                .containsExactly(new float[] {0, (float) (1 / (1 + Math.exp(-1))), (float) (-2 / (1 + Math.exp(2)))}, within(1e-7f));
    }

    @Test
    void sigmoidAndTanhSaturateWithoutNaN() {
        Tensor x = Tensor.fromArray(new float[] {-1000, 1000});
        assertThat(x.sigmoid().toArray()).containsExactly(0, 1);
        assertThat(x.tanh().toArray()).containsExactly(-1, 1);
        Tensor leaf = x.detach().requiresGrad(true);
        leaf.sigmoid().add(leaf.tanh()).sum().backward();
        assertThat(leaf.grad().toArray()).containsExactly(0, 0);
    }

    /** Values of x·Φ(x), with Φ the standard normal CDF (PyTorch's F.gelu(x) prints 0.8413 at x = 1). */
    @Test
    void exactGeluAtKnownPoints() {
        Tensor x = Tensor.fromArray(new float[] {-3, -1, -0.5f, 0, 0.5f, 1, 2, 3});
        assertThat(x.geluExact().toArray()).containsExactly(new float[] {
                -0.0040496941f, -0.15865525f, -0.15426877f, 0, 0.34573123f, 0.84134475f, 1.9544997f, 2.9959503f},
                within(1e-6f));
    }

    /** Values of ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch's F.gelu(x, approximate='tanh') prints 0.8412 at 1). */
    @Test
    void tanhGeluAtKnownPoints() {
        Tensor x = Tensor.fromArray(new float[] {-3, -1, -0.5f, 0, 0.5f, 1, 2, 3});
        assertThat(x.gelu().toArray()).containsExactly(new float[] {
                -0.0036373921f, -0.15880801f, -0.15428599f, 0, 0.34571401f, 0.84119199f, 1.9545977f, 2.9963626f},
                within(1e-6f));
    }

    @Test
    void geluSlopeIsOneHalfAtZeroAndOneFarRight() {
        Tensor x = Tensor.fromArray(new float[] {0, 8}).requiresGrad(true);
        x.gelu().sum().backward();
        assertThat(x.grad().toArray()).containsExactly(new float[] {0.5f, 1}, within(1e-6f));
        Tensor y = Tensor.fromArray(new float[] {0, 8}).requiresGrad(true);
        y.geluExact().sum().backward();
        assertThat(y.grad().toArray()).containsExactly(new float[] {0.5f, 1}, within(1e-6f));
    }
}
