package dev.descent.nn.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.GradCheck;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.ParameterGradCheck;
import dev.descent.nn.Residual;
import dev.descent.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sequential, Residual, MLP, attention and the transformer block against hand computations. */
class CompositeTest {

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    @Test
    void sequentialAppliesInOrderAndResidualAddsTheInput() {
        Linear double1 = new Linear(Tensor.fromArray(new float[] {2, 0, 0, 2}, 2, 2), Tensor.fromArray(new float[] {1, -1}));
        Sequential net = new Sequential(double1, new ReLU(), new Residual(new Tanh()));
        // x = [1, −3]: 2x + b = [3, −7] -> relu [3, 0] -> + tanh: [3 + tanh 3, 0]
        float[] y = net.forward(Tensor.fromArray(new float[] {1, -3}, 1, 2)).toArray();
        assertClose(y, new double[] {3 + Math.tanh(3), 0}, 1e-6);
        assertThat(net.size()).isEqualTo(3);
        assertThat(net.get(1)).isInstanceOf(ReLU.class);
        Rng rng = new Rng(1);
        Sequential deep = new Sequential(new Linear(3, 4, rng), new Tanh(), new Residual(new Linear(4, 4, rng)));
        Tensor x = Tensor.randn(rng, 2, 3);
        GradCheck.of("Sequential input", 1).check(in -> deep.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("Sequential", 1, deep, () -> deep.forward(x));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void mlpIsProjOfGeluOfFc(long seed) {
        Rng rng = new Rng(seed);
        MLP mlp = new MLP(3, 5, 0f, rng);
        Tensor x = Tensor.randn(rng, 2, 4, 3);
        double[] hidden = Reference.geluTanh(Reference.linear(Reference.toDouble(x.toArray()), 8,
                mlp.fc().weight().toArray(), mlp.fc().bias().toArray(), 3, 5));
        double[] expected = Reference.linear(hidden, 8, mlp.proj().weight().toArray(), mlp.proj().bias().toArray(), 5, 3);
        assertClose(mlp.forward(x).toArray(), expected, 1e-5);
        GradCheck.of("MLP input", seed).check(in -> mlp.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("MLP", seed, mlp, () -> mlp.forward(x));
        assertThat(mlp.namedParameters().keySet()).containsExactly("fc.weight", "fc.bias", "proj.weight", "proj.bias");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void attentionMatchesALoopOverHeadsAndPositions(long seed) {
        Rng rng = new Rng(seed);
        int b = 2;
        int t = 5;
        int c = 6;
        CausalSelfAttention attn = new CausalSelfAttention(c, 3, 0f, rng);
        Tensor x = Tensor.randn(rng, b, t, c);
        double[] qkv = Reference.linear(Reference.toDouble(x.toArray()), b * t, attn.qkv().weight().toArray(),
                attn.qkv().bias().toArray(), c, 3 * c);
        double[] y = Reference.causalAttention(qkv, b, t, c, 3);
        double[] expected = Reference.linear(y, b * t, attn.proj().weight().toArray(), attn.proj().bias().toArray(), c, c);
        Tensor out = attn.forward(x);
        assertThat(out.shape().dims()).containsExactly(b, t, c);
        assertClose(out.toArray(), expected, 1e-5);
    }

    @Test
    void attentionOverOnePositionIsTheProjectedValue() {
        Rng rng = new Rng(4);
        CausalSelfAttention attn = new CausalSelfAttention(4, 2, 0f, rng);
        Tensor x = Tensor.randn(rng, 3, 1, 4);
        double[] qkv = Reference.linear(Reference.toDouble(x.toArray()), 3, attn.qkv().weight().toArray(),
                attn.qkv().bias().toArray(), 4, 12);
        double[] v = new double[12];
        for (int r = 0; r < 3; r++) {
            System.arraycopy(qkv, r * 12 + 8, v, r * 4, 4);
        }
        double[] expected = Reference.linear(v, 3, attn.proj().weight().toArray(), attn.proj().bias().toArray(), 4, 4);
        assertClose(attn.forward(x).toArray(), expected, 1e-5);
    }

    @Test
    void attentionGradientsCheck() {
        Rng rng = new Rng(5);
        CausalSelfAttention attn = new CausalSelfAttention(4, 2, 0f, rng);
        Tensor x = Tensor.randn(rng, 2, 3, 4);
        GradCheck.of("CausalSelfAttention input", 5).check(in -> attn.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("CausalSelfAttention", 5, attn, () -> attn.forward(x));
        assertThatThrownBy(() -> attn.forward(Tensor.zeros(3, 4))).hasMessageContaining("needs input (B, T, 4), got (3, 4)");
        assertThatThrownBy(() -> new CausalSelfAttention(6, 4, 0f, rng)).hasMessageContaining("not divisible by 4 heads");
    }

    /** The fused attention op and the explicit composition give the same output and the same gradients. */
    @ParameterizedTest(name = "T {0}, {1} heads, seed {2}")
    @CsvSource({"1, 1, 1", "5, 2, 2", "9, 3, 3", "16, 4, 4"})
    void fusedAndExplicitAttentionAgreeOnOutputAndEveryGradient(int t, int heads, long seed) {
        Rng rng = new Rng(seed);
        CausalSelfAttention attn = new CausalSelfAttention(12, heads, 0f, rng);
        Tensor x = Tensor.randn(rng, 2, t, 12);
        Tensor weights = Tensor.randn(rng, 2, t, 12);
        List<float[]> fused = outputAndGradients(attn, x, weights, true);
        List<float[]> explicit = outputAndGradients(attn, x, weights, false);
        List<String> names = new ArrayList<>(List.of("output", "input"));
        names.addAll(attn.namedParameters().keySet());
        for (int i = 0; i < fused.size(); i++) {
            float[] a = fused.get(i);
            float[] e = explicit.get(i);
            assertThat(a).as("%s", names.get(i)).hasSameSizeAs(e);
            for (int j = 0; j < a.length; j++) {
                assertThat((double) a[j]).as("%s element %d, seed %d", names.get(i), j, seed)
                        .isCloseTo(e[j], within(1e-5 * (1 + Math.abs(e[j]))));
            }
        }
    }

    /** The output, dL/dx and dL/dθ for every parameter, with L = Σ weights⊙output. */
    private static List<float[]> outputAndGradients(CausalSelfAttention attn, Tensor x, Tensor weights, boolean fused) {
        attn.zeroGrad();
        Tensor in = x.detach().requiresGrad(true);
        Tensor out = attn.forward(in, fused);
        out.mul(weights).sum().backward();
        List<float[]> result = new ArrayList<>(List.of(out.toArray(), in.grad().toArray()));
        attn.parameters().forEach(p -> result.add(p.grad().toArray()));
        return result;
    }

    /** With p > 0 in training att is dropped out, so the explicit path runs: masks for att and for the output. */
    @Test
    void attentionDropoutInTrainingTakesTheExplicitPath() {
        Rng rng = new Rng(7);
        CausalSelfAttention attn = new CausalSelfAttention(6, 2, 0.25f, rng);
        Tensor x = Tensor.randn(new Rng(8), 2, 5, 6);
        long before = rng.state();
        attn.forward(x);
        Rng replay = new Rng(0);
        replay.setState(before);
        Tensor.rand(replay, 2, 2, 5, 5);
        Tensor.rand(replay, 2, 5, 6);
        assertThat(rng.state()).as("draws for a (2, 2, 5, 5) att mask and a (2, 5, 6) output mask")
                .isEqualTo(replay.state());
        attn.eval();
        before = rng.state();
        assertThat(attn.forward(x).toArray()).containsExactly(attn.forward(x, true).toArray());
        assertThat(rng.state()).as("evaluation draws nothing").isEqualTo(before);
    }

    @Test
    void causalMaskMarksTheFuture() {
        Tensor mask = CausalSelfAttention.causalMask(3, Tensor.zeros(1).backend());
        assertThat(mask.toArray()).containsExactly(0, 1, 1, 0, 0, 1, 0, 0, 0);
    }

    @Test
    void blockIsPreLayerNormWithTwoResiduals() {
        Rng rng = new Rng(6);
        Block block = new Block(4, 2, 0f, rng);
        block.ln1().weight().copyFrom(Tensor.randn(rng, 4));
        block.ln2().bias().copyFrom(Tensor.randn(rng, 4));
        Tensor x = Tensor.randn(rng, 2, 3, 4);
        double[] xs = Reference.toDouble(x.toArray());
        // h = x + proj(attention(qkv(ln1(x))))
        double[] ln1 = Reference.layerNorm(xs, 6, 4, block.ln1().weight().toArray(), block.ln1().bias().toArray(), 1e-5);
        CausalSelfAttention attn = block.attn();
        double[] qkv = Reference.linear(ln1, 6, attn.qkv().weight().toArray(), attn.qkv().bias().toArray(), 4, 12);
        double[] a = Reference.linear(Reference.causalAttention(qkv, 2, 3, 4, 2), 6, attn.proj().weight().toArray(),
                attn.proj().bias().toArray(), 4, 4);
        double[] h = new double[24];
        for (int i = 0; i < 24; i++) {
            h[i] = xs[i] + a[i];
        }
        // y = h + proj(gelu(fc(ln2(h))))
        double[] ln2 = Reference.layerNorm(h, 6, 4, block.ln2().weight().toArray(), block.ln2().bias().toArray(), 1e-5);
        MLP mlp = block.mlp();
        double[] m = Reference.linear(Reference.geluTanh(Reference.linear(ln2, 6, mlp.fc().weight().toArray(),
                mlp.fc().bias().toArray(), 4, 16)), 6, mlp.proj().weight().toArray(), mlp.proj().bias().toArray(), 16, 4);
        double[] expected = new double[24];
        for (int i = 0; i < 24; i++) {
            expected[i] = h[i] + m[i];
        }
        assertClose(block.forward(x).toArray(), expected, 1e-5);
        GradCheck.of("Block input", 6).check(in -> block.forward(in.get(0)), List.of(x));
        ParameterGradCheck.check("Block", 6, block, () -> block.forward(x));
    }
}
