package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.profile.Counter;
import dev.descent.core.profile.Profile;
import dev.descent.core.profile.Profiler;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The fused head + cross-entropy: gradients against central differences, equality with crossEntropy of x·Wᵀ,
 * the in-place primitive against a double-precision hand computation, and bad input.
 */
class LinearCrossEntropyTest {
    private static final int IGNORE = Functional.DEFAULT_IGNORE_INDEX;

    /** x (N, C), W (V, C), targets (N) with about a third ignored (never the first, so the mean is defined). */
    private record Problem(Tensor x, Tensor weight, Tensor targets, int ignoreIndex) {
        static Problem draw(long seed, int maxRows, int maxWidth, int maxVocab) {
            Rng rng = new Rng(seed);
            RandomShapes shapes = new RandomShapes(rng);
            int n = seed % 5 == 0 ? 1 : shapes.between(1, maxRows);
            int c = shapes.between(1, maxWidth);
            int v = shapes.between(2, maxVocab);
            int ignoreIndex = shapes.coin() ? IGNORE : shapes.between(0, v - 1);
            RandomTensors values = new RandomTensors(rng);
            Tensor x = values.normal(1, n, c);
            Tensor w = values.normal(1, v, c);
            float[] t = values.integers(v, n).toArray();
            for (int i = 0; i < n; i++) {
                if (i == 0 && t[i] == ignoreIndex) {
                    t[i] = (ignoreIndex + 1) % v;
                } else if (i > 0 && shapes.between(0, 2) == 0) {
                    t[i] = ignoreIndex;
                }
            }
            return new Problem(x, w, Tensor.fromArray(t, n), ignoreIndex);
        }

        Tensor fused(Tensor x, Tensor w) {
            return Functional.linearCrossEntropy(x, w, targets, ignoreIndex);
        }

        Tensor unfused(Tensor x, Tensor w) {
            return Functional.crossEntropy(x.matmul(w.transpose()), targets, Reduction.MEAN, ignoreIndex, 0f);
        }

        @Override
        public String toString() {
            return "x " + x.shape() + ", W " + weight.shape() + ", targets " + Arrays.toString(targets.toArray())
                    + ", ignoreIndex " + ignoreIndex;
        }
    }

    static Stream<Arguments> seeds() {
        return Seeds.fifty().mapToObj(Arguments::of);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gradientMatchesCentralDifferences(long seed) {
        Problem p = Problem.draw(seed, 5, 4, 7);
        GradCheck.of("linearCrossEntropy " + p, seed).check(in -> p.fused(in.get(0), in.get(1)),
                List.of(p.x(), p.weight()));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void lossAndGradientsEqualCrossEntropyOfTheProduct(long seed) {
        Problem p = Problem.draw(seed, 33, 20, 100);
        Tensor x1 = p.x().detach().requiresGrad(true);
        Tensor w1 = p.weight().detach().requiresGrad(true);
        Tensor fused = p.fused(x1, w1);
        fused.mul(1.7f).backward();
        Tensor x2 = p.x().detach().requiresGrad(true);
        Tensor w2 = p.weight().detach().requiresGrad(true);
        Tensor unfused = p.unfused(x2, w2);
        unfused.mul(1.7f).backward();
        assertThat(fused.shape()).isEqualTo(Shape.scalar());
        Close.assertClose("loss " + p, fused.toArray(), unfused.toArray(), 1e-5);
        Close.assertClose("dx " + p, x1.grad().toArray(), x2.grad().toArray(), 1e-5);
        Close.assertClose("dW " + p, w1.grad().toArray(), w2.grad().toArray(), 1e-5);
    }

    @Test
    void everyTargetIgnoredGivesNaNLikePyTorch() {
        Tensor loss = Functional.linearCrossEntropy(Tensor.ones(2, 3), Tensor.ones(4, 3),
                Tensor.fromArray(new float[] {IGNORE, IGNORE}), IGNORE);
        assertThat(loss.item()).isNaN();
    }

    /** K and the scale g/K stay on the device: forward and backward read nothing back (the profiler's sync count). */
    @Test
    void forwardAndBackwardReadNothingBackToTheHost() {
        Problem p = Problem.draw(4, 6, 5, 9);
        Tensor x = p.x().detach().requiresGrad(true);
        Tensor w = p.weight().detach().requiresGrad(true);
        Profile profile = Profiler.start();
        try (profile) {
            p.fused(x, w).backward();
        }
        assertThat(profile.total(Counter.SYNCS)).isZero();
        Profile read = Profiler.start();
        try (read) {
            x.grad().toArray();
        }
        assertThat(read.total(Counter.SYNCS)).as("a read is counted").isEqualTo(1);
    }

    @Test
    void onlyTheWeightMayRequireAGradient() {
        Problem p = Problem.draw(3, 5, 4, 7);
        Tensor w = p.weight().detach().requiresGrad(true);
        p.fused(p.x(), w).backward();
        Tensor w2 = p.weight().detach().requiresGrad(true);
        p.unfused(p.x(), w2).backward();
        Close.assertClose("dW", w.grad().toArray(), w2.grad().toArray(), 1e-6);
    }

    /** lₙ = lse(zₙ) − z_{n,y} and zₙ ← softmax(zₙ) − onehot(y), both computed here in double. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void inPlacePrimitiveMatchesAHandComputation(long seed) {
        Problem p = Problem.draw(seed, 9, 1, 60);
        int n = p.targets().numel();
        int v = p.weight().dim(0);
        Tensor logits = Tensor.randn(new Rng(seed + 1000), n, v).mul(4f);
        float[] z = logits.toArray();
        float[] t = p.targets().toArray();
        Tensor rows = logits.backend().crossEntropyInPlace(logits, p.targets(), p.ignoreIndex());
        float[] expectedRows = new float[n];
        float[] expectedGrad = new float[n * v];
        for (int r = 0; r < n; r++) {
            if (t[r] == p.ignoreIndex()) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, z[r * v + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(z[r * v + j] - max);
            }
            expectedRows[r] = (float) (max + Math.log(sum) - z[r * v + (int) t[r]]);
            for (int j = 0; j < v; j++) {
                expectedGrad[r * v + j] = (float) (Math.exp(z[r * v + j] - max) / sum - (j == t[r] ? 1 : 0));
            }
        }
        assertThat(rows.shape()).isEqualTo(Shape.of(n));
        Close.assertClose("rows " + p, rows.toArray(), expectedRows, 1e-5);
        Close.assertClose("logits overwritten " + p, logits.toArray(), expectedGrad, 1e-6);
    }

    @Test
    void badShapesNameTheOpAndTheShapes() {
        Tensor targets = Tensor.zeros(2);
        assertThatThrownBy(() -> Functional.linearCrossEntropy(Tensor.ones(2, 3), Tensor.ones(5, 4), targets, IGNORE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linearCrossEntropy")
                .hasMessageContaining("(2, 3)").hasMessageContaining("(5, 4)");
        assertThatThrownBy(() -> Functional.linearCrossEntropy(Tensor.ones(2, 3), Tensor.ones(5, 3), Tensor.zeros(3),
                IGNORE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linearCrossEntropy")
                .hasMessageContaining("(3)");
        assertThatThrownBy(() -> Functional.linearCrossEntropy(Tensor.ones(1, 2, 3), Tensor.ones(5, 3), targets,
                IGNORE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 2, 3)");
    }

    @Test
    void aTargetOutOfRangeNamesTheIdAndTheClassCount() {
        Tensor targets = Tensor.fromArray(new float[] {1, 5});
        assertThatThrownBy(() -> Functional.linearCrossEntropy(Tensor.ones(2, 3), Tensor.ones(5, 3), targets, IGNORE))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("crossEntropy")
                .hasMessageContaining("index 5 ").hasMessageContaining("5 classes");
        assertThatThrownBy(() -> Backends.cpu().crossEntropyInPlace(Tensor.zeros(2, 4),
                Tensor.fromArray(new float[] {0.5f, 1}), IGNORE))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("0.5");
    }
}
