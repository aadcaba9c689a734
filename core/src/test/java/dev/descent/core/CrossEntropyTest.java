package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-entropy with PyTorch's semantics: every reduction, ignored targets (the default −100 and a real class
 * index), label smoothing, and logits of ±1000.
 */
class CrossEntropyTest {
    private static final int IGNORE = Functional.DEFAULT_IGNORE_INDEX;
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);
    private static final double LN6 = Math.log(6);

    /** Which targets are ignored. */
    enum Ignoring {
        /** ignoreIndex −100, no target equal to it */
        NOTHING,
        /** ignoreIndex −100 on about a third of the targets */
        SOME_AT_MINUS_100,
        /** ignoreIndex 0, a real class: every target 0 is ignored */
        CLASS_ZERO
    }

    record Case(Reduction reduction, Ignoring ignoring, float smoothing) {
        @Override
        public String toString() {
            return reduction + ", ignoring " + ignoring + ", smoothing " + smoothing;
        }

        int ignoreIndex() {
            return ignoring == Ignoring.CLASS_ZERO ? 0 : IGNORE;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            for (Ignoring i : Ignoring.values()) {
                for (float smoothing : new float[] {0, 0.2f}) {
                    cases.add(new Case(r, i, smoothing));
                }
            }
        }
        return Seeds.each(cases);
    }

    static Stream<Arguments> reductions() {
        return Seeds.each(List.of(Reduction.values()));
    }

    /** Logits {@code (lead.., C)} and matching targets; the first target is never ignored, so MEAN is defined. */
    private record Problem(Tensor logits, Tensor targets) {
        static Problem draw(Rng rng, Ignoring ignoring, float logitScale) {
            RandomShapes shapes = new RandomShapes(rng, 1, 2, 3, 5);
            int c = ignoring == Ignoring.CLASS_ZERO ? shapes.oneOf(2, 3, 5, 7) : shapes.oneOf(1, 2, 3, 5, 7);
            int[] lead = shapes.shape(0, 2);
            int[] dims = Arrays.copyOf(lead, lead.length + 1);
            dims[lead.length] = c;
            RandomTensors values = new RandomTensors(rng);
            Tensor logits = values.normal(logitScale, dims);
            float[] t = values.integers(c, lead).toArray();
            for (int i = 0; i < t.length; i++) {
                if (ignoring == Ignoring.SOME_AT_MINUS_100 && i > 0 && shapes.between(0, 2) == 0) {
                    t[i] = IGNORE;
                }
            }
            if (ignoring == Ignoring.CLASS_ZERO && t[0] == 0) {
                t[0] = c - 1;
            }
            return new Problem(logits, RandomTensors.of(t, lead));
        }
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("cases")
    void gradient(Case c, long seed) {
        Problem p = Problem.draw(new Rng(seed), c.ignoring(), 2);
        GradCheck.of("crossEntropy " + c + ", targets " + Arrays.toString(p.targets().toArray()), seed).check(
                in -> Functional.crossEntropy(in.get(0), p.targets(), c.reduction(), c.ignoreIndex(), c.smoothing()),
                List.of(p.logits()));
    }

    /**
     * Rows of logits near +1000 or −1000 (at least one near +1000): loss and gradient finite, and the gradient
     * still matches central differences (step 10⁻⁴·|x|, i.e. 0.1 at ±1000).
     */
    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("reductions")
    void logitsOfPlusMinusOneThousand(Reduction reduction, long seed) {
        Rng rng = new Rng(seed);
        Problem p = Problem.draw(rng, Ignoring.SOME_AT_MINUS_100, 1);
        int c = p.logits().dim(-1);
        float[] v = p.logits().toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] += i % c == 0 || rng.nextInt(2) == 0 ? 1000 : -1000;
        }
        Tensor logits = RandomTensors.of(v, p.logits().shape().dims());
        float smoothing = rng.nextInt(2) * 0.1f;
        Tensor leaf = logits.detach().requiresGrad(true);
        Tensor loss = Functional.crossEntropy(leaf, p.targets(), reduction, IGNORE, smoothing);
        loss.sum().backward();
        assertFinite(loss.toArray());
        assertFinite(leaf.grad().toArray());
        GradCheck.of("crossEntropy at ±1000 " + reduction + ", smoothing " + smoothing, seed).step(1e-4).check(
                in -> Functional.crossEntropy(in.get(0), p.targets(), reduction, IGNORE, smoothing), List.of(logits));
    }

    private static void assertFinite(float[] values) {
        for (float v : values) {
            assertThat(Float.isFinite(v)).as("%s is finite", v).isTrue();
        }
    }

    /** lₙ = −(1−ε)·logSoftmax(xₙ)[yₙ] − (ε/C)·Σ_c logSoftmax(xₙ)[c], 0 if ignored; MEAN divides by the rows kept. */
    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("cases")
    void agreesWithLogSoftmaxAndPyTorchReductions(Case c, long seed) {
        Problem p = Problem.draw(new Rng(seed), c.ignoring(), 5);
        int classes = p.logits().dim(-1);
        float[] logP = p.logits().logSoftmax().toArray();
        float[] t = p.targets().toArray();
        double[] rows = new double[t.length];
        double sum = 0;
        int kept = 0;
        for (int n = 0; n < t.length; n++) {
            if (t[n] == c.ignoreIndex()) {
                continue;
            }
            double all = 0;
            for (int j = 0; j < classes; j++) {
                all += logP[n * classes + j];
            }
            rows[n] = -(1 - c.smoothing()) * logP[n * classes + (int) t[n]] - c.smoothing() / classes * all;
            sum += rows[n];
            kept++;
        }
        Tensor loss = Functional.crossEntropy(p.logits(), p.targets(), c.reduction(), c.ignoreIndex(), c.smoothing());
        switch (c.reduction()) {
            case NONE:
                assertThat(loss.shape()).isEqualTo(p.targets().shape());
                float[] expected = new float[rows.length];
                for (int n = 0; n < rows.length; n++) {
                    expected[n] = (float) rows[n];
                }
                assertThat(loss.toArray()).containsExactly(expected, within(1e-4f));
                break;
            case SUM:
                assertThat(loss.item()).isCloseTo((float) sum, within(1e-3f));
                break;
            default:
                assertThat(loss.item()).isCloseTo((float) (sum / kept), within(1e-4f));
        }
    }

    @Test
    void uniformLogitsCostLogC() {
        for (int c : new int[] {1, 2, 3, 10, 50257}) {
            Tensor logits = Tensor.full(0.25f, 2, c);
            Tensor targets = Tensor.fromArray(new float[] {0, c - 1});
            assertThat(Functional.crossEntropy(logits, targets).item()).as("C = %d", c)
                    .isCloseTo((float) Math.log(c), within(1e-5f));
            assertThat(Functional.crossEntropy(logits, targets, Reduction.MEAN, IGNORE, 0.3f).item())
                    .as("C = %d, smoothed", c).isCloseTo((float) Math.log(c), within(1e-5f));
        }
    }

    /**
     * Four rows of logits (0, ln 2, ln 3), so p = (1/6, 1/3, 1/2), with targets 2, 0, ignored, 1: the losses are
     * ln 2, ln 6, 0 and ln 3, and MEAN divides their sum 2·ln 6 by the 3 targets kept, not by 4.
     */
    @Test
    void handComputedExampleWithAnIgnoredTarget() {
        Tensor logits = handLogits();
        Tensor targets = Tensor.fromArray(new float[] {2, 0, IGNORE, 1});
        assertThat(Functional.crossEntropy(logits, targets, Reduction.NONE, IGNORE, 0).toArray())
                .containsExactly(new float[] {(float) LN2, (float) LN6, 0, (float) LN3}, within(1e-6f));
        assertThat(Functional.crossEntropy(logits, targets, Reduction.SUM, IGNORE, 0).item())
                .isCloseTo((float) (2 * LN6), within(1e-6f));
        assertThat(Functional.crossEntropy(logits, targets, Reduction.MEAN, IGNORE, 0).item())
                .isCloseTo((float) (2 * LN6 / 3), within(1e-6f));
        assertThat(Functional.crossEntropy(logits, targets).item()).isCloseTo((float) (2 * LN6 / 3), within(1e-6f));
    }

    /**
     * Label smoothing ε = 0.3 on the same example: lₙ = 0.7·NLLₙ + (0.3/3)·(ln 6 + ln 3 + ln 2) = 0.7·NLLₙ + 0.2·ln 6
     * for each target kept; the ignored row stays 0.
     */
    @Test
    void handComputedExampleWithLabelSmoothing() {
        Tensor logits = handLogits();
        Tensor targets = Tensor.fromArray(new float[] {2, 0, IGNORE, 1});
        double smooth = 0.2 * LN6;
        float[] rows = {(float) (0.7 * LN2 + smooth), (float) (0.7 * LN6 + smooth), 0, (float) (0.7 * LN3 + smooth)};
        assertThat(Functional.crossEntropy(logits, targets, Reduction.NONE, IGNORE, 0.3f).toArray())
                .containsExactly(rows, within(1e-6f));
        assertThat(Functional.crossEntropy(logits, targets, Reduction.SUM, IGNORE, 0.3f).item())
                .isCloseTo(rows[0] + rows[1] + rows[3], within(1e-5f));
        assertThat(Functional.crossEntropy(logits, targets, Reduction.MEAN, IGNORE, 0.3f).item())
                .isCloseTo((rows[0] + rows[1] + rows[3]) / 3, within(1e-6f));
    }

    /** dlogits = (p − ((1−ε)·onehot(y) + ε/C)) / N_kept, zero for the ignored row. */
    @Test
    void handComputedGradientOfTheMean() {
        Tensor logits = handLogits().requiresGrad(true);
        Tensor targets = Tensor.fromArray(new float[] {2, 0, IGNORE, 1});
        Functional.crossEntropy(logits, targets, Reduction.MEAN, IGNORE, 0.3f).backward();
        float[] p = {1f / 6, 1f / 3, 0.5f};
        float[] expected = new float[12];
        int[] t = {2, 0, -1, 1};
        for (int n = 0; n < 4; n++) {
            for (int j = 0; j < 3; j++) {
                expected[n * 3 + j] = t[n] < 0 ? 0 : (p[j] - (j == t[n] ? 0.7f : 0) - 0.1f) / 3;
            }
        }
        assertThat(logits.grad().toArray()).containsExactly(expected, within(1e-7f));
    }

    @Test
    void anIgnoreIndexThatIsARealClassDropsThoseRows() {
        Tensor logits = handLogits();
        Tensor targets = Tensor.fromArray(new float[] {2, 0, 1, 1});
        assertThat(Functional.crossEntropy(logits, targets, Reduction.NONE, 1, 0).toArray())
                .containsExactly(new float[] {(float) LN2, (float) LN6, 0, 0}, within(1e-6f));
        assertThat(Functional.crossEntropy(logits, targets, Reduction.MEAN, 1, 0).item())
                .isCloseTo((float) ((LN2 + LN6) / 2), within(1e-6f));
    }

    /** As in PyTorch: MEAN over no kept targets is 0/0 = NaN; SUM is 0. */
    @Test
    void everyTargetIgnored() {
        Tensor logits = handLogits().slice(0, 0, 2);
        Tensor targets = Tensor.fromArray(new float[] {IGNORE, IGNORE});
        assertThat(Functional.crossEntropy(logits, targets, Reduction.MEAN, IGNORE, 0).item()).isNaN();
        assertThat(Functional.crossEntropy(logits, targets, Reduction.SUM, IGNORE, 0.1f).item()).isZero();
    }

    @Test
    void leadingAxesAreFlattenedAndNoneKeepsTheTargetShape() {
        Tensor logits = handLogits().reshape(2, 2, 3);
        Tensor targets = Tensor.fromArray(new float[] {2, 0, IGNORE, 1}, 2, 2);
        Tensor rows = Functional.crossEntropy(logits, targets, Reduction.NONE, IGNORE, 0);
        assertThat(rows.shape()).isEqualTo(Shape.of(2, 2));
        assertThat(rows.toArray()).containsExactly(new float[] {(float) LN2, (float) LN6, 0, (float) LN3},
                within(1e-6f));
        Tensor single = Functional.crossEntropy(handLogits().slice(0, 0, 1).reshape(3), Tensor.scalar(2),
                Reduction.NONE, IGNORE, 0);
        assertThat(single.shape()).isEqualTo(Shape.scalar());
        assertThat(single.item()).isCloseTo((float) LN2, within(1e-6f));
    }

    /** A confident wrong answer: loss 2000 and gradient (1, −1), both finite, with and without smoothing. */
    @Test
    void confidentlyWrongAtOneThousandIsFinite() {
        Tensor logits = Tensor.fromArray(new float[] {1000, -1000, 1000, 1000}, 2, 2).requiresGrad(true);
        Tensor targets = Tensor.fromArray(new float[] {1, 0});
        Tensor rows = Functional.crossEntropy(logits, targets, Reduction.NONE, IGNORE, 0);
        assertThat(rows.toArray()).containsExactly(new float[] {2000, (float) LN2}, within(1e-4f));
        rows.sum().backward();
        assertThat(logits.grad().toArray()).containsExactly(new float[] {1, -1, -0.5f, 0.5f}, within(1e-6f));
        Tensor smoothed = Functional.crossEntropy(logits.detach(), targets, Reduction.SUM, IGNORE, 0.1f);
        assertThat(smoothed.item()).isCloseTo((float) (0.95 * 2000 + 0.05 * 0 + LN2), within(1e-3f));
    }

    private static Tensor handLogits() {
        float[] row = {0, (float) LN2, (float) LN3};
        float[] v = new float[12];
        for (int n = 0; n < 4; n++) {
            System.arraycopy(row, 0, v, 3 * n, 3);
        }
        return Tensor.fromArray(v, 4, 3);
    }
}
