package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backend;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepMemoryTest {
    @Test
    void countsWhatForwardHoldsAndKeepsOnlyTheGradients() {
        int n = 1000;
        Rng rng = new Rng(5);
        Tensor w = Tensor.randn(rng, n).requiresGrad(true);
        Tensor x = Tensor.randn(rng, n);
        Backend backend = w.backend();
        long before = backend.memory().liveBytes();

        // L = Σ wᵢ·xᵢ: forward makes w⊙x (n floats) and the sum (1 float)
        StepMemory step = StepMemory.measure(backend, List.of(w), () -> w.mul(x).sum());

        assertThat(step.heldForBackward()).isEqualTo((n + 1) * 4L);
        assertThat(step.loss()).isCloseTo(dot(w.toArray(), x.toArray()), within(1e-3f));
        // at least forward's tensors and dL/dw = x (n floats) at once
        assertThat(step.peak()).isGreaterThanOrEqualTo(step.heldForBackward() + n * 4L);
        assertThat(w.grad().toArray()).containsExactly(x.toArray());
        // after the step only the gradient is still held
        assertThat(backend.memory().liveBytes() - before).isEqualTo(n * 4L);
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
