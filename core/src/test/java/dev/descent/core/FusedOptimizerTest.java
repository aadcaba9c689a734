package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's fused optimizer ops ({@link Backend#adamStep}, {@link Backend#sumOfSquares}) against their
 * composed defaults and against an independent reference in double, PyTorch's textbook form
 * θ ← θ − γ·m̂/(√v̂ + ε) with m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t): several steps on random shapes, with weight
 * decay on and off per parameter, Adam and AdamW, with and without AMSGrad. The fused Adam loop does the composed
 * default's float operations in the same order, so the two agree bitwise.
 */
class FusedOptimizerTest {
    private static final Backend CPU = Backends.cpu();
    private static final Backend DEFAULTS = Backends.primitivesOnly(CPU);
    private static final int STEPS = 5;
    /** Float against double after {@value #STEPS} steps: |float − double| ≤ this·(|double| + 0.1). */
    private static final double REFERENCE_TOLERANCE = 1e-5;

    /** One parameter in float on a backend, with its state, and its twin in double. */
    private static final class Param {
        final double lr;
        final double weightDecay;
        final Tensor theta;
        final Tensor m;
        final Tensor v;
        final Tensor vmax;
        final double[][] reference;     // θ, m, v, vmax

        Param(Backend b, float[] theta, double lr, double weightDecay) {
            Shape shape = Shape.of(theta.length);
            this.lr = lr;
            this.weightDecay = weightDecay;
            this.theta = b.fromArray(theta, shape);
            this.m = b.full(shape, 0f);
            this.v = b.full(shape, 0f);
            this.vmax = b.full(shape, 0f);
            this.reference = new double[4][theta.length];
            for (int i = 0; i < theta.length; i++) {
                reference[0][i] = theta[i];
            }
        }

        AdamStep.Param at(AdamStep step, Tensor grad, long t) {
            return new AdamStep.Param(theta, grad, m, v, step.amsgrad() ? vmax : null, lr, weightDecay, t);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void adamStepEqualsTheComposedDefaultBitwiseAndFollowsTheDoubleReference(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        AdamStep step = new AdamStep(shapes.coin() ? 0.9 : 0.5, shapes.coin() ? 0.999 : 0.5,
                shapes.coin() ? 1e-8 : 0.1, shapes.coin(), shapes.coin());
        int count = shapes.between(1, 3);
        List<float[]> initial = new ArrayList<>();
        double[] lr = new double[count];
        double[] weightDecay = new double[count];
        for (int k = 0; k < count; k++) {
            initial.add(CPU.randn(Shape.of(shapes.shape(0, 3)), rng).toArray());
            lr[k] = 0.01 * shapes.between(1, 5);
            weightDecay[k] = shapes.coin() ? 0 : 0.1 * shapes.between(1, 3);
        }
        runAndCompare(step, initial, lr, weightDecay, rng, "seed " + seed + ", " + step);
    }

    /** A parameter large enough to be split across cores, AdamW and Adam with AMSGrad. */
    @Test
    void aLargeParameterSplitAcrossCoresGivesTheSameValues() {
        Rng rng = new Rng(11);
        float[] theta = CPU.randn(Shape.of(3 * (1 << 15) + 5), rng).toArray();
        for (AdamStep step : List.of(new AdamStep(0.9, 0.95, 1e-8, true, false),
                new AdamStep(0.9, 0.5, 1e-8, false, true))) {
            runAndCompare(step, List.of(theta), new double[] {0.01}, new double[] {0.1}, rng, step.toString());
        }
    }

    static Stream<Arguments> poisons() {
        List<Arguments> cases = new ArrayList<>();
        for (String where : List.of("nothing", "NaN gradient", "+∞ gradient", "-∞ θ", "NaN θ", "+∞ m", "NaN v", "+∞ v",
                "+∞ vmax", "gradient 1e30")) {
            cases.add(Arguments.of(where, false));
            cases.add(Arguments.of(where, true));
        }
        return cases.stream();
    }

    /**
     * adamStep says whether all it wrote is finite, the CPU loop and the composed default alike: one NaN or ±∞ in a
     * gradient, θ, m, v or vmax, at the start, inside and at the end of a parameter longer than the CPU loop's check
     * blocks and its split across cores, beside a small finite parameter; also a gradient so large that g² makes v
     * infinite while θ stays finite (m/∞ = 0). vmax is written only with AMSGrad; without it, ∞ there is not seen.
     */
    @ParameterizedTest(name = "{0}, amsgrad {1}")
    @MethodSource("poisons")
    void adamStepReportsEveryNonFiniteValueItWrites(String where, boolean amsgrad) {
        AdamStep step = new AdamStep(0.9, 0.95, 1e-8, true, amsgrad);
        int n = 3 * (1 << 15) + 5;
        boolean expected = where.equals("nothing") || where.equals("+∞ vmax") && !amsgrad;
        for (int at : new int[] {0, 1500, n - 1}) {
            Rng rng = new Rng(at);
            float[] theta = CPU.randn(Shape.of(n), rng).toArray();
            float[] grad = CPU.randn(Shape.of(n), rng).toArray();
            float[] m = CPU.randn(Shape.of(n), rng).mul(0.1f).toArray();
            float[] v = CPU.randn(Shape.of(n), rng).mul(0.1f).relu().add(1e-3f).toArray();
            float[] vmax = v.clone();
            switch (where) {
                case "NaN gradient" -> grad[at] = Float.NaN;
                case "+∞ gradient" -> grad[at] = Float.POSITIVE_INFINITY;
                case "-∞ θ" -> theta[at] = Float.NEGATIVE_INFINITY;
                case "NaN θ" -> theta[at] = Float.NaN;
                case "+∞ m" -> m[at] = Float.POSITIVE_INFINITY;
                case "NaN v" -> v[at] = Float.NaN;
                case "+∞ v" -> v[at] = Float.POSITIVE_INFINITY;
                case "+∞ vmax" -> vmax[at] = Float.POSITIVE_INFINITY;
                case "gradient 1e30" -> grad[at] = 1e30f;
                default -> {
                }
            }
            for (Backend b : List.of(CPU, DEFAULTS)) {
                Shape shape = Shape.of(n);
                List<AdamStep.Param> params = List.of(
                        new AdamStep.Param(b.fromArray(theta, shape), b.fromArray(grad, shape), b.fromArray(m, shape),
                                b.fromArray(v, shape), amsgrad ? b.fromArray(vmax, shape) : null, 0.01, 0.1, 3),
                        new Param(b, new float[] {1f, -2f}, 0.01, 0).at(step, b.fromArray(new float[] {3f, 4f},
                                Shape.of(2)), 1));
                Tensor flag = b.adamStep(step, params);
                assertThat(flag.shape()).isEqualTo(Shape.scalar());
                assertThat(Float.isFinite(flag.item())).as("%s at %d, %s", where, at, b == CPU ? "fused" : "composed")
                        .isEqualTo(expected);
            }
        }
    }

    /** {@value #STEPS} steps of fresh random gradients on the CPU, on the composed default and in double. */
    private static void runAndCompare(AdamStep step, List<float[]> initial, double[] lr, double[] weightDecay,
                                      Rng rng, String what) {
        List<Param> fused = new ArrayList<>();
        List<Param> composed = new ArrayList<>();
        for (int k = 0; k < initial.size(); k++) {
            fused.add(new Param(CPU, initial.get(k), lr[k], weightDecay[k]));
            composed.add(new Param(CPU, initial.get(k), lr[k], weightDecay[k]));
        }
        for (long t = 1; t <= STEPS; t++) {
            List<AdamStep.Param> onCpu = new ArrayList<>();
            List<AdamStep.Param> onDefaults = new ArrayList<>();
            for (int k = 0; k < initial.size(); k++) {
                Tensor grad = CPU.randn(Shape.of(initial.get(k).length), rng);
                onCpu.add(fused.get(k).at(step, grad, t));
                onDefaults.add(composed.get(k).at(step, grad, t));
                reference(step, fused.get(k), grad.toArray(), t);
            }
            assertThat(CPU.adamStep(step, onCpu).item()).as("finite, %s, step %d", what, t).isZero();
            assertThat(DEFAULTS.adamStep(step, onDefaults).item()).as("finite, %s, step %d", what, t).isZero();
            for (int k = 0; k < initial.size(); k++) {
                String at = what + ", parameter " + k + ", step " + t;
                Param a = fused.get(k);
                Param b = composed.get(k);
                assertThat(a.theta.toArray()).as("θ, %s", at).containsExactly(b.theta.toArray());
                assertThat(a.m.toArray()).as("m, %s", at).containsExactly(b.m.toArray());
                assertThat(a.v.toArray()).as("v, %s", at).containsExactly(b.v.toArray());
                assertThat(a.vmax.toArray()).as("vmax, %s", at).containsExactly(b.vmax.toArray());
                assertNear("θ, " + at, a.theta.toArray(), a.reference[0]);
                assertNear("m, " + at, a.m.toArray(), a.reference[1]);
                assertNear("v, " + at, a.v.toArray(), a.reference[2]);
            }
        }
    }

    /** torch.optim's Adam/AdamW in double, written as PyTorch documents it. */
    private static void reference(AdamStep s, Param p, float[] grad, long t) {
        double[] theta = p.reference[0];
        double[] m = p.reference[1];
        double[] v = p.reference[2];
        double[] vmax = p.reference[3];
        for (int i = 0; i < theta.length; i++) {
            double g = grad[i];
            if (s.decoupled()) {
                theta[i] *= 1 - p.lr * p.weightDecay;
            } else {
                g += p.weightDecay * theta[i];
            }
            m[i] = s.beta1() * m[i] + (1 - s.beta1()) * g;
            v[i] = s.beta2() * v[i] + (1 - s.beta2()) * g * g;
            vmax[i] = Math.max(vmax[i], v[i]);
            double mHat = m[i] / (1 - Math.pow(s.beta1(), t));
            double vHat = (s.amsgrad() ? vmax[i] : v[i]) / (1 - Math.pow(s.beta2(), t));
            theta[i] -= p.lr * mHat / (Math.sqrt(vHat) + s.eps());
        }
    }

    private static void assertNear(String what, float[] actual, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("%s, element %d", what, i)
                    .isCloseTo(expected[i], within(REFERENCE_TOLERANCE * (Math.abs(expected[i]) + 0.1)));
        }
    }

    @Test
    void theFusedStepsAllocateOnlyTheirScalarResult() {
        Rng rng = new Rng(3);
        Shape shape = Shape.of(1000, 77);
        Tensor theta = CPU.randn(shape, rng);
        Tensor grad = CPU.randn(shape, rng);
        Tensor m = CPU.full(shape, 0f);
        Tensor v = CPU.full(shape, 0f);
        Tensor vmax = CPU.full(shape, 0f);
        long held = CPU.memory().liveBytes();
        CPU.resetPeakMemory();
        CPU.adamStep(new AdamStep(0.9, 0.95, 1e-8, true, true),
                List.of(new AdamStep.Param(theta, grad, m, v, vmax, 1e-3, 0.1, 1)));
        assertThat(CPU.memory().peakBytes()).as("only the scalar finite check").isEqualTo(held + Float.BYTES);
        held = CPU.memory().liveBytes();
        CPU.resetPeakMemory();
        CPU.sumOfSquares(List.of(theta, grad));
        assertThat(CPU.memory().peakBytes()).as("only the scalar result").isEqualTo(held + Float.BYTES);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void sumOfSquaresAgreesWithTheComposedDefaultAndADoubleSum(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        List<Tensor> xs = new ArrayList<>();
        for (int k = shapes.between(0, 4); k > 0; k--) {
            xs.add(CPU.randn(Shape.of(shapes.shape(0, 3)), rng).mul(shapes.between(1, 10)));
        }
        assertSumOfSquares("seed " + seed, xs);
    }

    /** Tensors longer than one block of the CPU's partial sums (16,384 elements), an empty one and a scalar. */
    @Test
    void sumOfSquaresOfLargeAndEmptyTensors() {
        Rng rng = new Rng(5);
        assertSumOfSquares("large", List.of(CPU.randn(Shape.of(40_003), rng), CPU.full(Shape.of(0), 0f),
                CPU.randn(Shape.of(3, 16_384), rng).add(2f), CPU.randn(Shape.scalar(), rng)));
    }

    private static void assertSumOfSquares(String what, List<Tensor> xs) {
        double expected = 0;
        for (Tensor x : xs) {
            for (float value : x.toArray()) {
                expected += (double) value * value;
            }
        }
        Tensor fused = CPU.sumOfSquares(xs);
        Tensor composed = DEFAULTS.sumOfSquares(xs);
        assertThat(fused.shape()).as(what).isEqualTo(Shape.scalar());
        assertThat(composed.shape()).as(what).isEqualTo(Shape.scalar());
        // the fused sum is the double sum rounded once; the composed one adds per-tensor float sums
        assertThat((double) fused.item()).as("fused, %s", what).isCloseTo(expected, within(expected * 6e-8));
        assertThat((double) composed.item()).as("composed, %s", what).isCloseTo(expected, within(expected * 1e-6));
    }
}
