package dev.descent.nn.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.GradCheck;
import dev.descent.core.Reduction;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossesTest {
    /** Rows [1, 2, 3] and [1, 1, 1]. */
    private static final Tensor LOGITS = Tensor.fromArray(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
    /** −log p for row 0 is log(e + e² + e³) − x; every class of row 1 has −log p = ln 3. */
    private static final double LSE0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));

    private static void assertClose(float actual, double expected) {
        assertThat((double) actual).isCloseTo(expected, within(1e-5));
    }

    @Test
    void crossEntropyFollowsPyTorchReductionsAndIgnoreIndex() {
        Tensor targets = Tensor.fromArray(new float[] {2, 0});
        double row0 = LSE0 - 3;
        double row1 = Math.log(3);
        assertClose(new CrossEntropyLoss().forward(LOGITS, targets).item(), (row0 + row1) / 2);
        assertClose(new CrossEntropyLoss(Reduction.SUM, -100, 0f).forward(LOGITS, targets).item(), row0 + row1);
        float[] none = new CrossEntropyLoss(Reduction.NONE, -100, 0f).forward(LOGITS, targets).toArray();
        assertClose(none[0], row0);
        assertClose(none[1], row1);
        // an ignored target counts for nothing, and the mean divides by the one that is left
        Tensor ignoring = Tensor.fromArray(new float[] {2, -100});
        assertClose(new CrossEntropyLoss().forward(LOGITS, ignoring).item(), row0);
        assertClose(new CrossEntropyLoss(Reduction.MEAN, 0, 0f).forward(LOGITS, targets).item(), row0);
    }

    @Test
    void labelSmoothingMixesInTheUniformTarget() {
        Tensor targets = Tensor.fromArray(new float[] {2, 0});
        double eps = 0.1;
        // l = (1 − ε)(−log p_y) + (ε/C)·Σ_c(−log p_c)
        double row0 = (1 - eps) * (LSE0 - 3) + eps / 3 * ((LSE0 - 1) + (LSE0 - 2) + (LSE0 - 3));
        double row1 = Math.log(3);
        assertClose(new CrossEntropyLoss(Reduction.MEAN, -100, 0.1f).forward(LOGITS, targets).item(), (row0 + row1) / 2);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void crossEntropyGradientsCheck(long seed) {
        Rng rng = new Rng(seed);
        Tensor targets = Tensor.fromArray(new float[] {0, 3, -100, 1, 2, 3}, 2, 3);
        CrossEntropyLoss loss = new CrossEntropyLoss(Reduction.MEAN, -100, 0.2f);
        GradCheck.of("CrossEntropyLoss", seed).check(in -> loss.forward(in.get(0), targets), List.of(Tensor.randn(rng, 2, 3, 4)));
    }

    @Test
    void mseIsTheMeanSquaredDifference() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3});
        Tensor y = Tensor.fromArray(new float[] {0, 2, 5});
        assertClose(new MSELoss().forward(x, y).item(), 5 / 3.0);
        assertClose(new MSELoss(Reduction.SUM).forward(x, y).item(), 5);
        assertThat(new MSELoss(Reduction.NONE).forward(x, y).toArray()).containsExactly(1, 0, 4);
        Rng rng = new Rng(3);
        Tensor target = Tensor.randn(rng, 3, 4);
        GradCheck.of("MSELoss", 3).check(in -> new MSELoss().forward(in.get(0), target), List.of(Tensor.randn(rng, 3, 4)));
        assertThatThrownBy(() -> new MSELoss().forward(x, Tensor.zeros(2))).hasMessageContaining("must have the same shape");
    }

    @Test
    void tripletMarginLossIsTheHingeOnDistances() {
        Tensor a = Tensor.fromArray(new float[] {0, 0, 0, 0}, 2, 2);
        Tensor p = Tensor.fromArray(new float[] {3, 4, 0.1f, 0}, 2, 2);
        Tensor n = Tensor.fromArray(new float[] {1, 0, 3, 0}, 2, 2);
        double e = 1e-6;
        // d(x, y) = ‖x − y + ε‖₂
        double gap0 = Math.hypot(-3 + e, -4 + e) - Math.hypot(-1 + e, e);
        double gap1 = Math.hypot(-0.1 + e, e) - Math.hypot(-3 + e, e);
        double first = Math.max(0, gap0 + 1);
        double second = Math.max(0, gap1 + 1);
        float[] none = new TripletMarginLoss(1f, Reduction.NONE).forward(a, p, n).toArray();
        assertClose(none[0], first);
        assertClose(none[1], second);
        assertThat(none[1]).isZero();
        assertClose(new TripletMarginLoss().forward(a, p, n).item(), (first + second) / 2);
        assertClose(new TripletMarginLoss(2f, Reduction.SUM).forward(a, p, n).item(), Math.max(0, gap0 + 2) + Math.max(0, gap1 + 2));
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void tripletGradientsCheck(long seed) {
        Rng rng = new Rng(seed);
        TripletMarginLoss loss = new TripletMarginLoss(5f, Reduction.MEAN);
        GradCheck.of("TripletMarginLoss", seed).check(in -> loss.forward(in.get(0), in.get(1), in.get(2)),
                List.of(Tensor.randn(rng, 3, 4), Tensor.randn(rng, 3, 4), Tensor.randn(rng, 3, 4)));
    }

    @Test
    void ntXentOnAlignedOrthogonalViewsHasTheClosedForm() {
        Tensor views = Tensor.fromArray(new float[] {1, 0, 0, 1}, 2, 2);
        // every row: positive similarity 1, two negatives at 0, self masked: −2 + log(e² + 2) at τ = 0.5
        assertClose(new NTXentLoss(0.5f).forward(views, views).item(), Math.log(1 + 2 * Math.exp(-2)));
    }

    @ParameterizedTest
    @ValueSource(longs = {6, 7, 8})
    void ntXentMatchesALoopOverPairsAndItsGradientsCheck(long seed) {
        Rng rng = new Rng(seed);
        Tensor z1 = Tensor.randn(rng, 3, 4);
        Tensor z2 = Tensor.randn(rng, 3, 4);
        float tau = 0.3f;
        double[][] z = new double[6][];
        for (int i = 0; i < 3; i++) {
            z[i] = unit(z1.toArray(), i, 4);
            z[i + 3] = unit(z2.toArray(), i, 4);
        }
        double total = 0;
        for (int i = 0; i < 6; i++) {
            double denominator = 0;
            for (int k = 0; k < 6; k++) {
                if (k != i) {
                    denominator += Math.exp(dot(z[i], z[k]) / tau);
                }
            }
            total += -dot(z[i], z[(i + 3) % 6]) / tau + Math.log(denominator);
        }
        NTXentLoss loss = new NTXentLoss(tau);
        assertClose(loss.forward(z1, z2).item(), total / 6);
        GradCheck.of("NTXentLoss", seed).check(in -> loss.forward(in.get(0), in.get(1)), List.of(z1, z2));
    }

    @Test
    void infoNceUsesTheDiagonalAsPositives() {
        Tensor q = Tensor.fromArray(new float[] {1, 0, 0, 1}, 2, 2);
        Tensor k = Tensor.fromArray(new float[] {2, 0, 1, 1}, 2, 2);
        double r = Math.sqrt(0.5);
        // cosines: q0·k0 = 1, q0·k1 = √½, q1·k0 = 0, q1·k1 = √½
        double row0 = -1 + Math.log(Math.exp(1) + Math.exp(r));
        double row1 = -r + Math.log(1 + Math.exp(r));
        assertClose(new InfoNCELoss(1f).forward(q, k).item(), (row0 + row1) / 2);
        Rng rng = new Rng(9);
        GradCheck.of("InfoNCELoss", 9).check(in -> new InfoNCELoss(0.2f).forward(in.get(0), in.get(1)),
                List.of(Tensor.randn(rng, 4, 3), Tensor.randn(rng, 4, 3)));
    }

    @Test
    void aZeroEmbeddingStaysFiniteAndBadArgumentsAreNamed() {
        Tensor z1 = Tensor.fromArray(new float[] {0, 0, 1, 1}, 2, 2);
        assertThat(Float.isFinite(new NTXentLoss(0.1f).forward(z1, z1).item())).isTrue();
        assertThatThrownBy(() -> new NTXentLoss(0f)).hasMessageContaining("temperature must be positive");
        assertThatThrownBy(() -> new NTXentLoss(1f).forward(Tensor.zeros(2, 3), Tensor.zeros(3, 3)))
                .hasMessageContaining("got (2, 3) and (3, 3)");
        assertThatThrownBy(() -> new TripletMarginLoss().forward(Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(2)))
                .hasMessageContaining("got (2, 3), (2, 3) and (2)");
    }

    private static double[] unit(float[] rows, int row, int d) {
        double[] v = new double[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            v[i] = rows[row * d + i];
            norm += v[i] * v[i];
        }
        for (int i = 0; i < d; i++) {
            v[i] /= Math.sqrt(norm);
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
