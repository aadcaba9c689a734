package dev.descent.lessons.dropout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.dropout.Main.Average;
import dev.descent.nn.Module;
import dev.descent.nn.layers.Dropout;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DropoutTest {
    @Tag("exercise")
    @ParameterizedTest
    @CsvSource({"0.1, 1", "0.5, 2", "0.8, 3"})
    void primitiveDropoutMatchesNnDropoutBitForBit(float p, long seed) {
        Tensor x = Tensor.randn(new Rng(seed + 10), 4, 50);
        float[] mine = Main.dropout(x, p, true, new Rng(seed)).toArray();
        assertThat(new Dropout(p, new Rng(seed)).forward(x).toArray()).containsExactly(mine);
        assertThat(Functional.dropout(x, p, true, new Rng(seed)).toArray()).containsExactly(mine);
    }

    @Tag("exercise")
    @ParameterizedTest
    @CsvSource({"0.1, 0.01", "0.5, 0.015", "0.9, 0.04"})
    void dropoutZeroesAFractionPAndKeepsTheMean(float p, double meanTolerance) {
        float[] y = Main.dropout(Tensor.ones(100_000), p, true, new Rng(4)).toArray();
        int zeros = 0;
        int kept = 0;
        double sum = 0;
        for (float v : y) {
            zeros += v == 0 ? 1 : 0;
            kept += v == 1 / (1 - p) ? 1 : 0;
            sum += v;
        }
        assertThat(zeros + kept).isEqualTo(y.length);
        assertThat(zeros / 1e5).isCloseTo(p, within(0.01));
        // E[y] = (1 − p)·1/(1 − p) = 1; tolerances are about four standard errors, √(p/(1−p))/√n.
        assertThat(sum / 1e5).isCloseTo(1.0, within(meanTolerance));
    }

    @Test
    void evalModeIsTheIdentity() {
        Tensor x = Tensor.randn(new Rng(5), 3, 7);
        Dropout layer = new Dropout(0.5f, new Rng(6));
        layer.eval();
        assertThat(layer.forward(x).toArray()).containsExactly(x.toArray());
        assertThat(Main.dropout(x, 0.5f, false, new Rng(6)).toArray()).containsExactly(x.toArray());
    }

    @Tag("exercise")
    @Test
    void droppedUnitsGetNoGradient() {
        Tensor x = Tensor.randn(new Rng(7), 5, 9).requiresGrad(true);
        Tensor mask = DropoutMask.draw(new Rng(8), 0.3f, 5, 9);
        new Dropout(0.3f, new Rng(8)).forward(x).sum().backward();
        // d(Σ x ⊙ m)/dx = m: zero where the unit was dropped, 1/(1 − p) where it was kept.
        assertThat(x.grad().toArray()).containsExactly(mask.toArray());
    }

    @Test
    void averagingOverMasksRecoversTheEvalOutputForALinearReadout() {
        Module net = Main.linearReadout(5, 0.5f);
        Tensor in = Main.input(6);
        double eval = Main.evalOutput(net, in);
        Average few = Main.averageOverMasks(net, in, 10);
        Average many = Main.averageOverMasks(net, in, 10_000);
        assertThat(Math.abs(many.mean() - eval)).isLessThan(3 * many.standardError()).isLessThan(0.01);
        assertThat(Math.abs(many.mean() - eval)).isLessThan(Math.abs(few.mean() - eval));
    }

    @Test
    void withANonlinearityAfterDropoutTheEvalOutputIsOnlyAnApproximation() {
        Module net = Main.nonlinearReadout(5, 0.5f);
        Tensor in = Main.input(6);
        Average many = Main.averageOverMasks(net, in, 10_000);
        // A systematic gap, many standard errors wide: E[tanh(..)] is not tanh(E[..]).
        assertThat(Math.abs(many.mean() - Main.evalOutput(net, in))).isGreaterThan(5 * many.standardError());
    }
}
