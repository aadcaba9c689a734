package dev.descent.lessons.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AutogradTest {
    @Test
    @Tag("exercise")
    void gradientsAccumulateWhenAValueIsUsedTwice() {
        // y = x·x: each use of x contributes x, so dy/dx = 2x, not x.
        Value x = new Value(3);
        x.mul(x).backward();
        assertThat(x.grad()).isEqualTo(6.0);
        // z = (x + 1)·x + exp(x): three uses, dz/dx = 2x + 1 + eˣ.
        Value w = new Value(0.5);
        w.add(1).mul(w).add(w.exp()).backward();
        assertThat(w.grad()).isCloseTo(2 + Math.exp(0.5), within(1e-12));
    }

    @Test
    @Tag("exercise")
    void leafGradientsAccumulateAcrossBackwardPassesLikeDescentsTensor() {
        // Two forward + backward passes without zeroGrad in between: the leaves hold the sum of both gradients,
        // as a Tensor parameter does (and as PyTorch's .grad does). Lesson 19's gradient accumulation relies on it.
        Value a = new Value(Main.A);
        Value b = new Value(Main.B);
        Value c = new Value(Main.C);
        Tensor ta = Tensor.scalar((float) Main.A).requiresGrad(true);
        Tensor tb = Tensor.scalar((float) Main.B).requiresGrad(true);
        Tensor tc = Tensor.scalar((float) Main.C).requiresGrad(true);
        double[] once = Main.scalarEngine(Main.A, Main.B, Main.C);
        for (int pass = 0; pass < 2; pass++) {
            Main.expression(a, b, c).backward();
            Main.expression(ta, tb, tc).backward();
        }
        double[] scalar = {a.grad(), b.grad(), c.grad()};
        double[] tensor = {ta.grad().item(), tb.grad().item(), tc.grad().item()};
        for (int i = 0; i < 3; i++) {
            assertThat(scalar[i]).isCloseTo(2 * once[i + 1], within(1e-12));
            assertThat(tensor[i]).isCloseTo(scalar[i], within(1e-5 * Math.max(1, Math.abs(scalar[i]))));
        }
        // zeroGrad starts the next sum from nothing.
        a.zeroGrad();
        Main.expression(a, b, c).backward();
        assertThat(a.grad()).isCloseTo(once[1], within(1e-12));
    }

    @Test
    @Tag("exercise")
    void scalarEngineMatchesCentralDifferences() {
        double[] analytic = Main.scalarEngine(Main.A, Main.B, Main.C);
        double[] numeric = Main.centralDifferences(Main.A, Main.B, Main.C, 1e-6);
        for (int i = 0; i < 3; i++) {
            assertThat(analytic[i + 1]).as("df/d%s", "abc".charAt(i)).isCloseTo(numeric[i], within(1e-6));
        }
    }

    @Test
    @Tag("exercise")
    void tensorEngineAgreesWithTheScalarEngine() {
        double[] scalar = Main.scalarEngine(Main.A, Main.B, Main.C);
        double[] tensor = Main.tensorEngine(Main.A, Main.B, Main.C);
        for (int i = 0; i < 4; i++) {
            // float32 against double: agreement to float precision.
            assertThat(tensor[i]).isCloseTo(scalar[i], within(1e-5 * Math.max(1, Math.abs(scalar[i]))));
        }
    }

    @Test
    void jacobianRowByRowMatchesTheHandDerivedOne() {
        double[][] byBackward = Main.jacobianByBackward(Main.X);
        double[][] byHand = Main.jacobianByHand(Main.X);
        assertThat(byBackward.length).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(byBackward[i][j]).as("J[%d][%d]", i, j).isCloseTo(byHand[i][j], within(1e-6));
            }
        }
    }

    @Test
    void savedActivationsGrowLinearlyWithDepth() {
        int width = 256;
        for (int depth = 1; depth <= 16; depth++) {
            Tensor x = Tensor.randn(new Rng(depth), width).requiresGrad(true);
            Main.Held held = Main.heldByGraph(Main.tanhChain(x, depth));
            // x and every intermediate stay alive: (N + 1) tensors of 4·width bytes.
            assertThat(held.tensors()).isEqualTo(depth + 1);
            assertThat(held.bytes()).isEqualTo((depth + 1L) * width * Float.BYTES);
        }
    }

    @Test
    @SuppressWarnings("try")
    void withoutAGraphOrAfterBackwardNothingIsHeld() {
        Tensor x = Tensor.randn(new Rng(7), 64).requiresGrad(true);
        try (var noGrad = Autograd.noGrad()) {
            assertThat(Main.heldByGraph(Main.tanhChain(x, 10)).tensors()).isEqualTo(1);
        }
        Tensor out = Main.tanhChain(x, 10);
        Tensor loss = out.sum();
        loss.backward();
        assertThat(Main.heldByGraph(out).tensors()).isEqualTo(1);
        // The activations are gone, so a second backward through the same graph cannot run.
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }
}
