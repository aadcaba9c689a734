package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's behaviour: accumulation, graph release, detach, no-grad scopes, shared inputs, broadcasting. */
class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroGrad() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
        x.mul(3).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(3, 3);
        x.pow(2).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(5, 7);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
        x.mul(3).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(3, 3);
    }

    @Test
    void backwardFromANonScalarNeedsAnUpstreamGradient() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor y = x.mul(2);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("single-element").hasMessageContaining("(2, 3)")
                .hasMessageContaining("backward(grad)");
        y.backward(Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertThat(x.grad().toArray()).containsExactly(2, 4, 6, 8, 10, 12);
    }

    @Test
    void anUpstreamGradientOfTheWrongShapeIsRefused() {
        Tensor y = Tensor.ones(2, 3).requiresGrad(true).mul(2);
        assertThatThrownBy(() -> y.backward(Tensor.ones(3, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(3, 2)").hasMessageContaining("(2, 3)");
    }

    @Test
    void aOneElementTensorOfAnyRankIsALoss() {
        Tensor x = Tensor.ones(1, 1).requiresGrad(true);
        x.mul(5).backward();
        assertThat(x.grad().toArray()).containsExactly(5);
    }

    @Test
    void backwardTwiceThroughAReleasedGraphSaysSo() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already released").hasMessageContaining("forward pass again");
    }

    @Test
    void aNewLossOverAReleasedIntermediateSaysSo() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor hidden = x.tanh();
        hidden.sum().backward();
        Tensor second = hidden.mul(2).sum();
        assertThatThrownBy(second::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already released");
    }

    @Test
    void backwardReleasesIntermediatesButKeepsLeafGradients() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor hidden = x.mul(2);
        Tensor loss = hidden.sum();
        assertThat(hidden.creator()).isNotNull();
        loss.backward();
        assertThat(hidden.creator()).isNull();
        assertThat(hidden.grad()).isNull();
        assertThat(loss.creator()).isNull();
        assertThat(x.isLeaf()).isTrue();
        assertThat(x.grad().toArray()).containsExactly(2, 2, 2);
    }

    @Test
    void backwardOnATensorThatNeedsNoGradientIsRefused() {
        Tensor y = Tensor.ones(2).mul(2).sum();
        assertThat(y.requiresGrad()).isFalse();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("requiresGrad(true)");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.fromArray(new float[] {2, 3}).requiresGrad(true);
        Tensor d = x.mul(x).detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.creator()).isNull();
        assertThat(d.toArray()).containsExactly(4, 9);
        x.mul(d).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(4, 9);
    }

    @Test
    void detachedTensorsShareValuesButNotGradients() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
        Tensor d = x.detach().requiresGrad(true);
        d.sum().backward();
        assertThat(x.grad()).isNull();
        assertThat(d.grad().toArray()).containsExactly(1, 1);
    }

    @Test
    @SuppressWarnings("try")
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            assertThat(Autograd.isGradEnabled()).isFalse();
            y = x.mul(2).exp().sum();
        }
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.creator()).isNull();
        assertThat(Autograd.isGradEnabled()).isTrue();
        assertThat(x.mul(2).requiresGrad()).isTrue();
    }

    @Test
    @SuppressWarnings("try")
    void noGradScopesNestAndEnableGradReopensRecording() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (Autograd.Scope outer = Autograd.noGrad()) {
            try (Autograd.Scope inner = Autograd.noGrad()) {
                assertThat(x.mul(2).requiresGrad()).isFalse();
            }
            assertThat(Autograd.isGradEnabled()).isFalse();
            try (Autograd.Scope on = Autograd.enableGrad()) {
                Tensor y = x.mul(3).sum();
                assertThat(y.requiresGrad()).isTrue();
                y.backward();
            }
            assertThat(x.mul(2).requiresGrad()).isFalse();
        }
        assertThat(Autograd.isGradEnabled()).isTrue();
        assertThat(x.grad().toArray()).containsExactly(3, 3);
    }

    @Test
    void opsOnInputsThatNeedNoGradientRecordNothing() {
        Tensor y = Tensor.ones(2).mul(Tensor.ones(2)).exp();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.creator()).isNull();
    }

    @Test
    void onlyInputsThatRequireAGradientGetOne() {
        Tensor a = Tensor.fromArray(new float[] {2}).requiresGrad(true);
        Tensor b = Tensor.fromArray(new float[] {5});
        a.mul(b).sum().backward();
        assertThat(a.grad().toArray()).containsExactly(5);
        assertThat(b.grad()).isNull();
    }

    /** x used twice: y = x·x + x, dy/dx = 2x + 1. */
    @Test
    void aTensorUsedTwiceGetsTheSumOfBothGradients() {
        Tensor x = Tensor.fromArray(new float[] {3, -1}).requiresGrad(true);
        x.mul(x).add(x).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(7, -1);
    }

    /** A diamond through an intermediate: h = 2x, L = Σ tanh(h)·h², reached by two paths that meet at h. */
    @Test
    void diamondGraphThroughAnIntermediate() {
        Tensor x = Tensor.fromArray(new float[] {0.3f, -0.7f}).requiresGrad(true);
        Tensor h = x.mul(2);
        h.tanh().mul(h.pow(2)).sum().backward();
        float[] xv = {0.3f, -0.7f};
        float[] expected = new float[2];
        for (int i = 0; i < 2; i++) {
            double hv = 2 * xv[i];
            double t = Math.tanh(hv);
            expected[i] = (float) (2 * ((1 - t * t) * hv * hv + t * 2 * hv));
        }
        assertThat(x.grad().toArray()).containsExactly(expected, within(1e-5f));
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.ones(1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(1f);
        }
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(1);
    }

    @Test
    void broadcastGradientsAreSummedBackToTheInputShape() {
        Tensor a = Tensor.zeros(2, 1, 3).requiresGrad(true);
        Tensor b = Tensor.zeros(4, 1).requiresGrad(true);
        Tensor s = Tensor.scalar(0).requiresGrad(true);
        a.add(b).add(s).sum().backward();
        assertThat(a.grad().shape()).isEqualTo(Shape.of(2, 1, 3));
        assertThat(a.grad().toArray()).containsOnly(4f);
        assertThat(b.grad().shape()).isEqualTo(Shape.of(4, 1));
        assertThat(b.grad().toArray()).containsOnly(6f);
        assertThat(s.grad().shape()).isEqualTo(Shape.scalar());
        assertThat(s.grad().item()).isEqualTo(24);
    }

    @Test
    void requiresGradCanOnlyBeSetOnALeaf() {
        Tensor y = Tensor.ones(2).requiresGrad(true).mul(2);
        assertThatThrownBy(() -> y.requiresGrad(false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leaf").hasMessageContaining("made by");
    }

    @Test
    void setGradChecksTheShape() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        x.setGrad(Tensor.full(3, 2, 2));
        assertThat(x.grad().toArray()).containsOnly(3f);
        assertThatThrownBy(() -> x.setGrad(Tensor.ones(4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(4)").hasMessageContaining("(2, 2)");
    }

    /** A user-defined op, y = x³ with dL/dx = 3x²·g, runs through the same engine. */
    @Test
    void aCustomOpRecordedByTheEngine() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
        Op cube = new Op() {
            @Override
            public Tensor forward() {
                return x.backend().binaryScalar(BinaryOp.POW, x, 3);
            }

            @Override
            public List<Tensor> inputs() {
                return List.of(x);
            }

            @Override
            public void backward(Tensor g) {
                x.accumulateGrad(g.mul(x.pow(2)).mul(3));
            }
        };
        Tensor y = Autograd.record(cube);
        assertThat(y.creator()).isSameAs(cube);
        assertThat(y.toArray()).containsExactly(1, 8);
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(3, 12);
    }

    @Test
    void copyFromUpdatesValuesInPlaceWithoutRecording() {
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        Tensor alias = p.reshape(1, 2);
        p.copyFrom(Tensor.fromArray(new float[] {4, 5}));
        assertThat(p.toArray()).containsExactly(4, 5);
        assertThat(alias.toArray()).containsExactly(4, 5);
        assertThat(p.isLeaf()).isTrue();
    }
}
