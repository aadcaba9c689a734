package dev.descent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that implements only the primitives ({@link MirrorBackend}) runs every fused op through autograd, by
 * the defaults of {@link Backend}: a small transformer step (embedding, layer norm, causal attention, linear, GELU,
 * cross-entropy and the fused classifier) gives the CPU backend's loss and gradients.
 */
class PrimitivesOnlyBackendTest {
    private static final int VOCAB = 11;
    private static final int C = 8;
    private static final int HEADS = 2;

    /** wte (V, C), ln gamma and beta (C), qkv weight (3C, C), projection (C, C), on {@code backend}. */
    private static List<Tensor> parameters(Backend backend) {
        Rng rng = new Rng(7);
        List<Tensor> p = new ArrayList<>();
        for (int[] dims : new int[][] {{VOCAB, C}, {C}, {C}, {3 * C, C}, {C, C}}) {
            p.add(backend.fromArray(Backends.cpu().randn(Shape.of(dims), rng).toArray(), Shape.of(dims)).requiresGrad(true));
        }
        return p;
    }

    /** Both losses of one batch: crossEntropy over the tied head's logits, and the fused linearCrossEntropy. */
    private static Tensor loss(List<Tensor> p, Backend backend) {
        Tensor ids = backend.fromArray(new float[] {1, 4, 4, 9, 0, 10, 3, 2}, Shape.of(2, 4));
        Tensor targets = backend.fromArray(new float[] {4, 4, 9, 0, 10, 3, 2, -100}, Shape.of(8));
        Tensor x = Functional.embedding(p.get(0), ids);
        Tensor h = Functional.layerNorm(x, p.get(1), p.get(2), 1e-5f);
        Tensor attended = Functional.causalAttention(Functional.linear(h, p.get(3), null), HEADS);
        Tensor y = x.add(Functional.linear(attended, p.get(4), null).gelu()).reshape(8, C);
        Tensor logits = y.matmul(p.get(0).transpose()).softmax().add(1e-3f).log();
        Tensor plain = Functional.crossEntropy(logits, targets);
        return plain.add(Functional.linearCrossEntropy(y, p.get(0), targets, Functional.DEFAULT_IGNORE_INDEX));
    }

    @Test
    void aSmallTransformerStepMatchesTheCpu() {
        MirrorBackend mirror = new MirrorBackend();
        List<Tensor> onMirror = parameters(mirror);
        List<Tensor> onCpu = parameters(Backends.cpu());
        Tensor mirrorLoss = loss(onMirror, mirror);
        Tensor cpuLoss = loss(onCpu, Backends.cpu());
        assertThat(mirrorLoss.backend()).isSameAs(mirror);
        mirrorLoss.backward();
        cpuLoss.backward();
        assertThat(mirrorLoss.item()).isCloseTo(cpuLoss.item(), within(1e-5f));
        for (int i = 0; i < onCpu.size(); i++) {
            float[] expected = onCpu.get(i).grad().toArray();
            float[] actual = onMirror.get(i).grad().toArray();
            assertThat(onMirror.get(i).grad().backend()).isSameAs(mirror);
            // float rounding apart, at the parameter's gradient scale (up to 15 here): the CPU's vector kernels sum
            // in float where the compositions reduce in double
            float scale = 0;
            for (float e : expected) {
                scale = Math.max(scale, Math.abs(e));
            }
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual[j]).as("parameter %d, element %d", i, j).isCloseTo(expected[j], within(4e-6f * scale));
            }
        }
    }
}
