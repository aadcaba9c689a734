package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The memory rules of backward ({@link Backprop}) and of {@link MemoryScope}, measured with the CPU backend's
 * ledger, which counts what a device would hold.
 */
class BackpropMemoryTest {
    private static final Backend CPU = Backends.cpu();

    private static long live() {
        return CPU.memory().liveBytes();
    }

    @Test
    void aGradientMadeByBackwardIsAccumulatedInPlace() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        x.sum().backward();
        Tensor first = x.grad();
        x.mul(3).sum().backward();
        assertThat(x.grad()).isSameAs(first);
        assertThat(first.toArray()).containsExactly(4, 4);
    }

    @Test
    void aGradientSetByTheCallerIsNeverWrittenInto() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor mine = Tensor.fromArray(new float[] {10, 20});
        x.setGrad(mine);
        x.sum().backward();
        x.sum().backward();
        assertThat(mine.toArray()).containsExactly(10, 20);
        assertThat(x.grad().toArray()).containsExactly(12, 22);
        x.zeroGrad();
        assertThat(mine.toArray()).as("zeroGrad leaves a caller's gradient alone").containsExactly(10, 20);
    }

    @Test
    void zeroGradReleasesAGradientMadeByBackward() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        x.sum().backward();
        Tensor g = x.grad();
        long before = live();
        x.zeroGrad();
        assertThat(before - live()).isEqualTo(3 * 4);
        assertThatThrownBy(g::toArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }

    @Test
    void onePassedOnGradientGivesEachInputItsOwnTensor() {
        Tensor a = Tensor.ones(2).requiresGrad(true);
        Tensor b = Tensor.ones(2).requiresGrad(true);
        a.add(b).sum().backward();
        assertThat(a.grad().storage()).isNotSameAs(b.grad().storage());
        a.mul(5).sum().backward();
        assertThat(a.grad().toArray()).containsExactly(6, 6);
        assertThat(b.grad().toArray()).containsExactly(1, 1);
    }

    @Test
    void aCallersUpstreamGradientSurvivesBackward() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        Tensor upstream = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        x.reshape(4).reshape(2, 2).backward(upstream);
        assertThat(upstream.toArray()).containsExactly(1, 2, 3, 4);
        assertThat(x.grad().toArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void backwardHoldsAFewGradientsAtATimeNotOnePerActivation() {
        int n = 10_000;
        long bytes = 4L * n;
        long shallow = backwardPeakOfTanhChain(n, 10);
        long deep = backwardPeakOfTanhChain(n, 40);
        assertThat(deep).as("the extra memory of backward does not grow with depth").isEqualTo(shallow);
        // upstream, tanh's four temporaries (y², −y², 1 − y², the product handed on) and the seed
        assertThat(deep).isLessThanOrEqualTo(5 * bytes + 4);
    }

    /** Bytes backward adds at its peak over what the forward pass left, for depth nested tanh of n values. */
    private static long backwardPeakOfTanhChain(int n, int depth) {
        Tensor x = Tensor.rand(new Rng(3), n).requiresGrad(true);
        try (MemoryScope step = CPU.scope()) {
            Tensor y = x;
            for (int i = 0; i < depth; i++) {
                y = y.tanh();
            }
            Tensor loss = y.sum();
            CPU.resetPeakMemory();
            long atStart = live();
            loss.backward();
            assertThat(live() - atStart).as("only x's gradient and the seed dL/dL = 1 are left").isEqualTo(4L * n + 4);
            step.keep(x.grad());
            return CPU.memory().peakBytes() - atStart;
        }
    }

    @Test
    void aScopeReleasesWhatItMadeExceptWhatIsKept() {
        long before = live();
        Tensor kept;
        Tensor dropped;
        try (MemoryScope outer = CPU.scope()) {
            try (MemoryScope inner = CPU.scope()) {
                kept = Tensor.ones(5);
                dropped = Tensor.ones(7);
                assertThat(inner.owns(kept)).isTrue();
                inner.keep(kept);
                assertThat(inner.owns(kept)).isFalse();
                assertThat(outer.owns(kept)).as("a kept tensor moves to the enclosing scope").isTrue();
            }
            assertThatThrownBy(dropped::toArray).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("scope.keep");
            assertThat(kept.toArray()).containsExactly(1, 1, 1, 1, 1);
            outer.keep(kept);
        }
        assertThat(kept.toArray()).as("kept by the outermost scope: owned by none").hasSize(5);
        assertThat(live() - before).isEqualTo(5 * 4);
    }

    @Test
    void scopesCloseInnermostFirst() {
        MemoryScope outer = CPU.scope();
        MemoryScope inner = CPU.scope();
        assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("innermost");
        inner.close();
        outer.close();
        assertThatThrownBy(() -> outer.keep(Tensor.ones(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void theInPlacePrimitivesBroadcastAndScale() {
        Tensor dst = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        CPU.addInto(dst, Tensor.fromArray(new float[] {10, 20, 30}, 3));
        assertThat(dst.toArray()).containsExactly(11, 22, 33, 14, 25, 36);
        CPU.addInto(dst, Tensor.fromArray(new float[] {1, 2}, 2, 1));
        assertThat(dst.toArray()).containsExactly(12, 23, 34, 16, 27, 38);
        CPU.scaleInPlace(dst, 0.5f);
        assertThat(dst.toArray()).containsExactly(6, 11.5f, 17, 8, 13.5f, 19);
    }
}
