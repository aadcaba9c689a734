package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPT block's fused ops, {@link Functional#geluMlp} and {@link Functional#residualLayerNorm}: gradients against
 * central differences, outputs and every gradient against the unfused composition, and what the MLP keeps.
 */
class BlockFusionsTest {
    private static final float EPS = 1e-5f;

    /** x (lead.., C), W1 (H, C), b1 (H), W2 (C', H), b2 (C'), drawn from {@code seed}. */
    private static List<Tensor> mlpInputs(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int[] lead = shapes.shape(0, 2);
        int c = shapes.dim();
        int hidden = shapes.dim();
        int out = shapes.dim();
        int[] dims = Arrays.copyOf(lead, lead.length + 1);
        dims[lead.length] = c;
        RandomTensors values = new RandomTensors(rng);
        return List.of(values.normal(1, dims), values.normal(1, hidden, c), values.normal(1, hidden),
                values.normal(1, out, hidden), values.normal(1, out));
    }

    private static Tensor fusedMlp(List<Tensor> in) {
        return Functional.geluMlp(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
    }

    private static Tensor composedMlp(List<Tensor> in) {
        return Functional.linear(Functional.linear(in.get(0), in.get(1), in.get(2)).gelu(), in.get(3), in.get(4));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void geluMlpGradientsMatchCentralDifferences(long seed) {
        List<Tensor> in = mlpInputs(seed);
        GradCheck.of("geluMlp x " + in.get(0).shape() + ", W1 " + in.get(1).shape(), seed)
                .check(BlockFusionsTest::fusedMlp, in);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void geluMlpEqualsLinearGeluLinear(long seed) {
        assertSameOutputAndGradients(mlpInputs(seed), BlockFusionsTest::fusedMlp, BlockFusionsTest::composedMlp, seed);
    }

    /** x, a (lead.., C), γ and β (C). */
    private static List<Tensor> residualInputs(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng, 1, 2, 3);
        int c = shapes.oneOf(1, 2, 3, 5, 7, 9);
        int[] lead = shapes.shape(0, 2);
        int[] dims = Arrays.copyOf(lead, lead.length + 1);
        dims[lead.length] = c;
        RandomTensors values = new RandomTensors(rng);
        return List.of(values.distinct(dims), values.normal(1, dims), values.normal(1, c), values.normal(1, c));
    }

    /** Both outputs, h and y, side by side: L depends on each, so h's gradient has two sources. */
    private static Tensor fusedResidual(List<Tensor> in) {
        Functional.ResidualNorm r = Functional.residualLayerNorm(in.get(0), in.get(1), in.get(2), in.get(3), EPS);
        return Tensor.concat(List.of(r.sum(), r.normalized()), -1);
    }

    private static Tensor composedResidual(List<Tensor> in) {
        Tensor h = in.get(0).add(in.get(1));
        return Tensor.concat(List.of(h, Functional.layerNorm(h, in.get(2), in.get(3), EPS)), -1);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void residualLayerNormGradientsMatchCentralDifferences(long seed) {
        List<Tensor> in = residualInputs(seed);
        GradCheck.of("residualLayerNorm, both outputs, " + in.get(0).shape(), seed)
                .check(BlockFusionsTest::fusedResidual, in);
        GradCheck.of("residualLayerNorm, the normalised output only, " + in.get(0).shape(), seed)
                .check(i -> Functional.residualLayerNorm(i.get(0), i.get(1), i.get(2), i.get(3), EPS).normalized(), in);
    }

    /**
     * The layer norm adds its input gradient into the residual stream's (when the stream's other consumer ran
     * first, as in a block) or hands it on (when it is the only consumer): both equal the unfused pair.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void residualLayerNormEqualsAddThenLayerNorm(long seed) {
        List<Tensor> in = residualInputs(seed);
        assertSameOutputAndGradients(in, BlockFusionsTest::fusedResidual, BlockFusionsTest::composedResidual, seed);
        assertSameOutputAndGradients(in,
                i -> Functional.residualLayerNorm(i.get(0), i.get(1), i.get(2), i.get(3), EPS).normalized(),
                i -> Functional.layerNorm(i.get(0).add(i.get(1)), i.get(2), i.get(3), EPS), seed);
    }

    /** f and g of the same inputs: equal outputs, and equal gradients of L = Σ w⊙y for every input. */
    private static void assertSameOutputAndGradients(List<Tensor> inputs, Function<List<Tensor>, Tensor> f,
                                                     Function<List<Tensor>, Tensor> g, long seed) {
        List<float[]> fused = outputAndGradients(inputs, f, seed);
        List<float[]> composed = outputAndGradients(inputs, g, seed);
        for (int i = 0; i < fused.size(); i++) {
            String what = (i == 0 ? "output" : "gradient of input " + (i - 1)) + ", seed " + seed;
            float[] e = composed.get(i);
            float[] a = fused.get(i);
            assertThat(a.length).as(what).isEqualTo(e.length);
            for (int j = 0; j < e.length; j++) {
                assertThat(Math.abs(a[j] - e[j])).as("%s, element %d: %s vs %s", what, j, a[j], e[j])
                        .isLessThanOrEqualTo(1e-6f * (1 + Math.abs(e[j])));
            }
        }
    }

    private static List<float[]> outputAndGradients(List<Tensor> inputs, Function<List<Tensor>, Tensor> f, long seed) {
        List<Tensor> leaves = inputs.stream().map(t -> t.detach().requiresGrad(true)).toList();
        Tensor y = f.apply(leaves);
        Tensor weights = new RandomTensors(new Rng(seed + 1000)).normal(1, y.shape().dims());
        y.mul(weights).sum().backward();
        List<float[]> result = new ArrayList<>(List.of(y.toArray()));
        leaves.forEach(l -> result.add(l.grad().toArray()));
        return result;
    }

    /** Forward keeps the (rows, H) pre-activation and the output; the composition keeps the GELU output as well. */
    @Test
    void geluMlpKeepsOneHiddenTensorWhereTheCompositionKeepsTwo() {
        List<Tensor> in = List.of(Tensor.randn(new Rng(1), 6, 4).requiresGrad(true),
                Tensor.randn(new Rng(2), 16, 4).requiresGrad(true), Tensor.zeros(16).requiresGrad(true),
                Tensor.randn(new Rng(3), 4, 16).requiresGrad(true), Tensor.zeros(4).requiresGrad(true));
        Backend cpu = Backends.cpu();
        long before = cpu.memory().liveBytes();
        fusedMlp(in);
        long fused = cpu.memory().liveBytes() - before;
        before = cpu.memory().liveBytes();
        composedMlp(in);
        long composed = cpu.memory().liveBytes() - before;
        assertThat(fused).as("h (6, 16) and y (6, 4)").isEqualTo(4L * (6 * 16 + 6 * 4));
        assertThat(composed - fused).as("the GELU output (6, 16)").isEqualTo(4L * 6 * 16);
    }

    @Test
    void badShapesAreRefusedNamingEveryInput() {
        Tensor x = Tensor.zeros(2, 4);
        assertThatThrownBy(() -> Functional.geluMlp(x, Tensor.zeros(8, 3), Tensor.zeros(8), Tensor.zeros(4, 8),
                Tensor.zeros(4))).hasMessage("geluMlp: needs x (.., C), fcWeight (H, C), fcBias (H), projWeight (C', H) "
                + "and projBias (C'), got (2, 4), (8, 3), (8), (4, 8) and (4)");
        assertThatThrownBy(() -> Functional.residualLayerNorm(x, Tensor.zeros(2, 3), Tensor.ones(4), Tensor.zeros(4),
                EPS)).hasMessage("residualLayerNorm: the residual x (2, 4) and the branch a added to it need one shape, "
                + "got (2, 3)");
        assertThatThrownBy(() -> Functional.residualLayerNorm(x, x, Tensor.ones(3), Tensor.zeros(3), EPS))
                .hasMessage("residualLayerNorm: input (2, 4) needs gamma and beta of shape (4), got (3) and (3)");
    }
}
