package dev.descent.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Autograd;
import dev.descent.core.GradCheck;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.layers.Block;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GradientCheckpointTest {

    /** Two blocks sharing one generator, each optionally checkpointed, built identically from a seed. */
    private static Sequential blocks(long seed, float dropout, boolean checkpoint) {
        Rng rng = new Rng(seed);
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Block block = new Block(8, 2, dropout, rng);
            layers.add(checkpoint ? new GradientCheckpoint(block) : block);
        }
        layers.add(new Linear(8, 3, rng));
        return new Sequential(layers);
    }

    /** Runs forward and backward of Σ w·y and returns the output and every gradient, input's first. */
    private static Map<String, float[]> gradients(Sequential net, Tensor x, Tensor w) {
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor y = net.forward(leaf);
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put("output", y.toArray());
        y.mul(w).sum().backward();
        out.put("input", leaf.grad().toArray());
        net.namedParameters().forEach((name, p) -> out.put(name, p.grad().toArray()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 0.3f})
    void gradientsAreIdenticalWithAndWithoutCheckpointing(float dropout) {
        Rng data = new Rng(7);
        Tensor x = Tensor.randn(data, 2, 5, 8);
        Tensor w = Tensor.randn(data, 2, 5, 3);
        Sequential plain = blocks(11, dropout, false);
        Sequential checkpointed = blocks(11, dropout, true);
        assertThat(checkpointed.namedParameters().keySet()).isEqualTo(plain.namedParameters().keySet());
        Map<String, float[]> expected = gradients(plain, x, w);
        Map<String, float[]> actual = gradients(checkpointed, x, w);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, g) -> assertThat(actual.get(name)).as(name).containsExactly(g));
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 0.3f})
    void theGeneratorEndsWhereItWouldWithoutCheckpointing(float dropout) {
        Tensor x = Tensor.randn(new Rng(8), 1, 4, 8);
        Rng a = new Rng(3);
        Rng b = new Rng(3);
        Block plain = new Block(8, 2, dropout, a);
        GradientCheckpoint wrapped = new GradientCheckpoint(new Block(8, 2, dropout, b));
        plain.forward(x.detach().requiresGrad(true)).sum().backward();
        wrapped.forward(x.detach().requiresGrad(true)).sum().backward();
        assertThat(b.state()).isEqualTo(a.state());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    @SuppressWarnings("try")
    void gradientsMatchCentralDifferencesAndNothingIsRecordedInside(long seed) {
        Rng rng = new Rng(seed);
        Linear inner = new Linear(3, 3, rng);
        GradientCheckpoint wrapped = new GradientCheckpoint(new Sequential(inner, new Tanh()));
        Tensor x = Tensor.randn(rng, 2, 3);
        GradCheck.of("GradientCheckpoint input", seed).check(in -> wrapped.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("GradientCheckpoint", seed, wrapped, () -> wrapped.forward(x));
        // the only recorded op is the checkpoint itself: its inputs are x and the wrapped parameters
        Tensor y = wrapped.forward(x.detach().requiresGrad(true));
        assertThat(y.creator().name()).isEqualTo("gradientCheckpoint");
        assertThat(y.creator().inputs()).hasSize(3);
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            assertThat(wrapped.forward(x).creator()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {3})
    void parametersGetGradientsEvenWhenTheInputNeedsNone(long seed) {
        Rng rng = new Rng(seed);
        Linear inner = new Linear(3, 2, rng);
        GradientCheckpoint wrapped = new GradientCheckpoint(inner);
        wrapped.forward(Tensor.randn(rng, 4, 3)).sum().backward();
        assertThat(inner.weight().grad()).isNotNull();
        assertThat(inner.bias().grad().toArray()).containsExactly(4f, 4f);
    }
}
