package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Fused causal self-attention against central differences, the explicit composition and double precision. */
class AttentionTest {

    /** (B, T, heads, hs): T = 1, odd T, one to three heads, head sizes that are not powers of two. */
    static Stream<Arguments> shapes() {
        int[][] shapes = {{1, 1, 1, 1}, {2, 1, 3, 5}, {1, 2, 1, 4}, {1, 7, 2, 3}, {2, 5, 3, 2}, {1, 9, 1, 6},
            {2, 3, 2, 7}};
        return Stream.of(shapes).flatMap(s -> Stream.of(1L, 2L, 3L).map(seed -> Arguments.of(s, seed)));
    }

    /** A random (B, T, heads, hs) with B in 1..2, T in {1, 2, 3, 5, 7, 12}, heads in 1..3, hs in {1, 2, 3, 5, 8}. */
    private static int[] randomShape(Rng rng) {
        RandomShapes shapes = new RandomShapes(rng);
        return new int[] {shapes.between(1, 2), shapes.oneOf(1, 2, 3, 5, 7, 12), shapes.between(1, 3),
            shapes.oneOf(1, 2, 3, 5, 8)};
    }

    private static Tensor qkv(Rng rng, int[] s, float scale) {
        return new RandomTensors(rng).normal(scale, s[0], s[1], 3 * s[2] * s[3]);
    }

    /** (B, T, C) -> (B, heads, T, hs) */
    private static Tensor splitHeads(Tensor x, int heads) {
        return x.reshape(x.dim(0), x.dim(1), heads, x.dim(2) / heads).permute(0, 2, 1, 3);
    }

    /** The explicit composition the fused op replaces: softmax(mask(q·kᵀ/√hs))·v per head, heads merged. */
    private static Tensor explicit(Tensor qkv, int heads) {
        int b = qkv.dim(0);
        int t = qkv.dim(1);
        int c = qkv.dim(2) / 3;
        Tensor q = splitHeads(qkv.slice(2, 0, c), heads);
        Tensor k = splitHeads(qkv.slice(2, c, 2 * c), heads);
        Tensor v = splitHeads(qkv.slice(2, 2 * c, 3 * c), heads);
        float[] future = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                future[i * t + j] = 1;
            }
        }
        Tensor scores = q.matmul(k.transpose()).mul((float) (1 / Math.sqrt(c / heads)));
        Tensor att = Functional.maskedFill(scores, Tensor.fromArray(future, t, t), Float.NEGATIVE_INFINITY).softmax();
        return att.matmul(v).permute(0, 2, 1, 3).reshape(b, t, c);
    }

    /** lse (B, heads, T) computed directly in double: log Σ_{s≤t} exp(q_t·k_s/√hs), max-subtracted. */
    private static double[] lseInDouble(float[] x, int[] s) {
        int b = s[0];
        int t = s[1];
        int heads = s[2];
        int hs = s[3];
        int c = heads * hs;
        double[] lse = new double[b * heads * t];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < t; q++) {
                    double[] scores = new double[q + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k <= q; k++) {
                        double dot = 0;
                        for (int d = 0; d < hs; d++) {
                            dot += (double) x[(bi * t + q) * 3 * c + h * hs + d] * x[(bi * t + k) * 3 * c + c + h * hs + d];
                        }
                        scores[k] = dot / Math.sqrt(hs);
                        max = Math.max(max, scores[k]);
                    }
                    double sum = 0;
                    for (double score : scores) {
                        sum += Math.exp(score - max);
                    }
                    lse[(bi * heads + h) * t + q] = max + Math.log(sum);
                }
            }
        }
        return lse;
    }

    private static float[] lseOf(Tensor qkv, int heads) {
        CausalAttention op = new CausalAttention(qkv, heads);
        op.forward();
        return op.lse().toArray();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("shapes")
    void gradientMatchesCentralDifferences(int[] s, long seed) {
        Tensor x = qkv(new Rng(seed), s, 1);
        GradCheck.of("causalAttention " + Arrays.toString(s), seed)
                .check(in -> Functional.causalAttention(in.get(0), s[2]), List.of(x));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void outputAndGradientEqualTheExplicitComposition(long seed) {
        Rng rng = new Rng(seed);
        int[] s = randomShape(rng);
        Tensor x = qkv(rng, s, 1.5f).requiresGrad(true);
        Tensor fused = Functional.causalAttention(x, s[2]);
        assertThat(fused.shape().dims()).containsExactly(s[0], s[1], s[2] * s[3]);
        Tensor reference = explicit(x, s[2]);
        Close.assertClose("causalAttention output, seed " + seed, fused.toArray(), reference.toArray(), 1e-5);
        Tensor weights = new RandomTensors(rng).normal(1, fused.shape().dims());
        fused.mul(weights).sum().backward();
        float[] fusedGrad = x.grad().toArray();
        x.zeroGrad();
        reference.mul(weights).sum().backward();
        Close.assertClose("causalAttention dqkv, seed " + seed, fusedGrad, x.grad().toArray(), 2e-5);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void logSumExpMatchesADoublePrecisionComputation(long seed) {
        Rng rng = new Rng(seed);
        int[] s = randomShape(rng);
        Tensor x = qkv(rng, s, 2);
        float[] lse = lseOf(x, s[2]);
        double[] expected = lseInDouble(x.toArray(), s);
        assertThat(lse).hasSize(expected.length);
        for (int i = 0; i < lse.length; i++) {
            assertThat((double) lse[i]).as("lse element %d, seed %d", i, seed).isCloseTo(expected[i], within(1e-5));
        }
    }

    /**
     * Two positions, one head of size 1, q = (1, 1), k = (0, ln 3), v = (2, 6): position 0 sees only itself, so
     * out_0 = v_0 = 2 and lse_0 = q_0·k_0 = 0; position 1 weighs the keys e^0 : e^(ln 3) = 1/4 : 3/4, so
     * out_1 = 2/4 + 18/4 = 5 and lse_1 = log 4.
     */
    @Test
    void handComputedTwoPositions() {
        float ln3 = (float) Math.log(3);
        Tensor x = Tensor.fromArray(new float[] {1, 0, 2, 1, ln3, 6}, 1, 2, 3);
        assertThat(Functional.causalAttention(x, 1).toArray()).containsExactly(new float[] {2, 5}, within(1e-5f));
        assertThat(lseOf(x, 1)).containsExactly(new float[] {0, (float) Math.log(4)}, within(1e-6f));
    }

    /**
     * q and k of scale 22 give scores of several hundred up to about ±1000, which overflow a naive exp; the running
     * max keeps every value finite and equal to the reference.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void largeLogitsStayFinite(long seed) {
        Rng rng = new Rng(seed);
        int[] s = {2, 6, 2, 4};
        int c = s[2] * s[3];
        float[] spread = new float[3 * c];
        Arrays.fill(spread, 0, 2 * c, 22f);
        Arrays.fill(spread, 2 * c, 3 * c, 1f);
        Tensor x = qkv(rng, s, 1).mul(Tensor.fromArray(spread)).detach().requiresGrad(true);
        Tensor out = Functional.causalAttention(x, s[2]);
        float[] lse = lseOf(x, s[2]);
        double[] expectedLse = lseInDouble(x.toArray(), s);
        double largest = 0;
        for (int i = 0; i < lse.length; i++) {
            largest = Math.max(largest, Math.abs(expectedLse[i]));
            assertThat((double) lse[i]).as("lse element %d", i).isCloseTo(expectedLse[i], within(1e-6 * Math.abs(expectedLse[i]) + 1e-5));
        }
        assertThat(largest).as("the test reaches large scores").isGreaterThan(300);
        Close.assertClose("large-logit output, seed " + seed, out.toArray(), explicit(x.detach(), s[2]).toArray(), 1e-3);
        out.sum().backward();
        for (float g : x.grad().toArray()) {
            assertThat(Float.isFinite(g)).as("gradient element %s is finite", g).isTrue();
        }
    }

    /** The separate form is the packed one after a concatenation: equal outputs and, split back, equal gradients. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void separateQueriesKeysAndValuesGiveThePackedResult(long seed) {
        Rng rng = new Rng(seed);
        int[] s = randomShape(rng);
        int c = s[2] * s[3];
        Tensor packed = qkv(rng, s, 1).requiresGrad(true);
        List<Tensor> parts = List.of(packed.slice(2, 0, c).detach().requiresGrad(true),
                packed.slice(2, c, 2 * c).detach().requiresGrad(true), packed.slice(2, 2 * c, 3 * c).detach().requiresGrad(true));
        Tensor weights = new RandomTensors(rng).normal(1, s[0], s[1], c);
        Tensor fromPacked = Functional.causalAttention(packed, s[2]);
        Tensor fromParts = Functional.causalAttention(parts.get(0), parts.get(1), parts.get(2), s[2]);
        assertThat(fromParts.toArray()).containsExactly(fromPacked.toArray());
        fromPacked.mul(weights).sum().backward();
        fromParts.mul(weights).sum().backward();
        for (int i = 0; i < 3; i++) {
            assertThat(parts.get(i).grad().toArray()).as("gradient of part %d", i)
                    .containsExactly(packed.grad().slice(2, i * c, (i + 1) * c).toArray());
        }
        assertThatThrownBy(() -> Functional.causalAttention(parts.get(0), parts.get(1), Tensor.ones(1, 1, 1), s[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q, k and v of one shape (B, T, C)");
    }

    @Test
    void badInputNamesTheShapeAndTheRule() {
        assertThatThrownBy(() -> Functional.causalAttention(Tensor.ones(4, 6), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("causalAttention")
                .hasMessageContaining("(4, 6)").hasMessageContaining("(B, T, 3C)");
        assertThatThrownBy(() -> Functional.causalAttention(Tensor.ones(1, 2, 7), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 2, 7)")
                .hasMessageContaining("divisible by 3");
        assertThatThrownBy(() -> Functional.causalAttention(Tensor.ones(1, 2, 6), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 2, 6)")
                .hasMessageContaining("3·heads = 12");
        assertThatThrownBy(() -> Functional.causalAttention(Tensor.ones(1, 2, 0), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 2, 0)")
                .hasMessageContaining("positive multiple");
        assertThatThrownBy(() -> Functional.causalAttention(Tensor.ones(1, 2, 6), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heads must be positive, got 0");
    }

    @Test
    void anEmptySequenceGivesEmptyOutputs() {
        Tensor x = Tensor.zeros(2, 0, 12).requiresGrad(true);
        Tensor out = Functional.causalAttention(x, 2);
        assertThat(out.shape().dims()).containsExactly(2, 0, 4);
        out.sum().backward();
        assertThat(x.grad().shape().dims()).containsExactly(2, 0, 12);
    }
}
