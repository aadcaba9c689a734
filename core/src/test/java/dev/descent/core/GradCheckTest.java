package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker itself: it must pass a right gradient and report a wrong one with everything needed to rerun it. */
class GradCheckTest {

    /** y = x², with a backward that forgets the factor 2 on purpose. */
    private static Tensor squareWithWrongBackward(Tensor x) {
        return Autograd.record(new Op() {
            @Override
            public Tensor forward() {
                return x.backend().binary(BinaryOp.MUL, x, x);
            }

            @Override
            public List<Tensor> inputs() {
                return List.of(x);
            }

            @Override
            public void backward(Tensor g) {
                x.accumulateGrad(g.mul(x));
            }

            @Override
            public String name() {
                return "badSquare";
            }
        });
    }

    @Test
    void aCorrectGradientPasses() {
        List<Tensor> inputs = List.of(Tensor.randn(new Rng(1), 2, 3));
        assertThat(GradCheck.of("square", 1).run(in -> in.get(0).mul(in.get(0)), inputs)).isEmpty();
    }

    @Test
    void aWrongGradientIsReportedWithOpShapeSeedIndexAndBothValues() {
        Tensor x = Tensor.fromArray(new float[] {0.5f, 1, 2, -1, 3, 0}, 2, 3);
        List<GradCheck.Mismatch> mismatches = GradCheck.of("badSquare", 42).run(in -> squareWithWrongBackward(in.get(0)),
                List.of(x));
        assertThat(mismatches).extracting(GradCheck.Mismatch::index).containsExactly(0, 1, 2, 3, 4);
        GradCheck.Mismatch m = mismatches.get(2);
        assertThat(m.numeric()).isCloseTo(2 * m.analytic(), within(1e-3));
        assertThatThrownBy(() -> GradCheck.of("badSquare", 42).check(in -> squareWithWrongBackward(in.get(0)),
                List.of(x))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("5 elements")
                .hasMessageContaining("badSquare: input 0 of shape (2, 3), seed 42, index 2: analytic")
                .hasMessageContaining(" vs numeric ");
    }

    @Test
    void aMissingGradientCountsAsZero() {
        Tensor x = Tensor.ones(2);
        List<GradCheck.Mismatch> mismatches = GradCheck.of("detached", 3).run(in -> in.get(0).detach().mul(2),
                List.of(x));
        assertThat(mismatches).hasSize(2).allSatisfy(m -> assertThat(m.analytic()).isZero());
    }

    @Test
    void theCheckerLeavesItsInputsUntouched() {
        Tensor x = Tensor.fromArray(new float[] {1, 2});
        GradCheck.of("exp", 1).check(in -> in.get(0).exp(), List.of(x));
        assertThat(x.requiresGrad()).isFalse();
        assertThat(x.grad()).isNull();
        assertThat(x.toArray()).containsExactly(1, 2);
    }
}
