package dev.descent.nn.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Functional;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.ParameterGradCheck;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GPTTest {
    /** The tiny model of the gradient checks: vocabulary 11, context 8, 2 layers, 2 heads, width 8. */
    private static final GPTConfig TINY = new GPTConfig(11, 8, 2, 2, 8, 0f, false);

    private static Tensor tokens(Rng rng, int b, int t, int vocab) {
        float[] ids = new float[b * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        return Tensor.fromArray(ids, b, t);
    }

    @Test
    void gpt2SmallHas124439808ParametersAndThePaddedVocabularyAdds47Rows() {
        GPTConfig small = GPTConfig.gpt2Small();
        assertThat(small).isEqualTo(new GPTConfig(50257, 1024, 12, 12, 768, 0f, false));
        assertThat(GPT.parameterCount(small)).isEqualTo(124_439_808L);
        GPTConfig padded = small.withVocabPaddedTo(64);
        assertThat(padded.vocabSize()).isEqualTo(50304);
        assertThat(GPT.parameterCount(padded)).isEqualTo(124_475_904L);
    }

    static Stream<GPTConfig> smallConfigs() {
        return Stream.of(TINY, new GPTConfig(5, 3, 1, 1, 4, 0f, false), new GPTConfig(64, 16, 3, 4, 16, 0.1f, true),
                new GPTConfig(50, 12, 2, 3, 12, 0f, false).withVocabPaddedTo(64));
    }

    @ParameterizedTest
    @MethodSource("smallConfigs")
    void theCountingFormulaMatchesBuiltModels(GPTConfig config) {
        GPT gpt = new GPT(config, new Rng(1));
        assertThat(gpt.parameterCount()).isEqualTo(GPT.parameterCount(config));
        long summed = gpt.parameters().stream().mapToLong(Tensor::numel).sum();
        assertThat(summed).isEqualTo(GPT.parameterCount(config));
    }

    @Test
    void parametersHaveDottedNamesAndTheHeadIsTied() {
        GPT gpt = new GPT(TINY, new Rng(2));
        assertThat(gpt.namedParameters().keySet()).startsWith("wte.weight", "wpe.weight", "blocks.0.ln1.weight",
                "blocks.0.ln1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight",
                "blocks.0.attn.proj.bias", "blocks.0.ln2.weight", "blocks.0.ln2.bias", "blocks.0.mlp.fc.weight",
                "blocks.0.mlp.fc.bias", "blocks.0.mlp.proj.weight", "blocks.0.mlp.proj.bias", "blocks.1.ln1.weight")
                .endsWith("blocks.1.mlp.proj.bias", "lnf.weight", "lnf.bias").hasSize(2 + 2 * 12 + 2);
        GPT checkpointed = new GPT(TINY.withGradientCheckpointing(true), new Rng(2));
        assertThat(checkpointed.namedParameters().keySet()).isEqualTo(gpt.namedParameters().keySet());
        assertThat(gpt.toString()).startsWith("GPT(parameters=" + GPT.parameterCount(TINY) + ",\n  (wte): Embedding(11, 8)");
    }

    @Test
    void initialisationFollowsGpt2() {
        GPTConfig config = new GPTConfig(300, 64, 4, 2, 64, 0f, false);
        GPT gpt = new GPT(config, new Rng(3));
        var params = gpt.namedParameters();
        double residualStd = 0.02 / Math.sqrt(2 * 4);
        for (var e : params.entrySet()) {
            float[] v = e.getValue().toArray();
            String name = e.getKey();
            if (name.endsWith("ln1.weight") || name.endsWith("ln2.weight") || name.equals("lnf.weight")) {
                assertThat(v).as(name).containsOnly(1f);
            } else if (name.endsWith("bias")) {
                assertThat(v).as(name).containsOnly(0f);
            } else if (name.endsWith("attn.proj.weight") || name.endsWith("mlp.proj.weight")) {
                assertThat(std(v)).as(name).isCloseTo(residualStd, within(0.1 * residualStd));
            } else {
                assertThat(std(v)).as(name).isCloseTo(0.02, within(0.002));
            }
        }
    }

    private static double std(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s / v.length);
    }

    @Test
    void forwardGivesLogitsOverTheVocabularyAndTheLossHelperIsTheirCrossEntropy() {
        Rng rng = new Rng(4);
        GPT gpt = new GPT(TINY, rng);
        Tensor idx = tokens(rng, 3, 8, 11);
        Tensor targets = tokens(rng, 3, 8, 11);
        Tensor logits = gpt.forward(idx);
        assertThat(logits.shape().dims()).containsExactly(3, 8, 11);
        assertThat(gpt.loss(idx, targets).item()).isCloseTo(Functional.crossEntropy(logits, targets).item(),
                within(1e-6f));
        // at initialisation the logits are near zero, so the loss is near ln V
        assertThat((double) gpt.loss(idx, targets).item()).isCloseTo(Math.log(11), within(0.1));
        assertThat(gpt.forward(tokens(rng, 2, 3, 11)).shape().dims()).containsExactly(2, 3, 11);
    }

    /**
     * The fused head + loss against the composition it replaces, crossEntropy(forward(idx), targets): same loss and
     * same gradient for every parameter (the tied wte gets both its embedding and its head gradient), with some
     * targets ignored.
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void theFusedLossAndItsGradientsEqualCrossEntropyOfTheLogits(long seed) {
        GPTConfig config = new GPTConfig(37, 8, 2, 2, 8, 0f, false);
        Rng rng = new Rng(seed);
        Tensor idx = tokens(rng, 2, 7, 37);
        float[] t = tokens(rng, 2, 7, 37).toArray();
        t[3] = Functional.DEFAULT_IGNORE_INDEX;
        t[10] = Functional.DEFAULT_IGNORE_INDEX;
        Tensor targets = Tensor.fromArray(t, 2, 7);
        GPT fused = new GPT(config, new Rng(seed));
        GPT plain = new GPT(config, new Rng(seed));
        Tensor fusedLoss = fused.loss(idx, targets);
        Tensor plainLoss = Functional.crossEntropy(plain.forward(idx), targets);
        assertThat(fusedLoss.shape()).isEqualTo(plainLoss.shape());
        assertThat(fusedLoss.item()).isCloseTo(plainLoss.item(), within(1e-5f));
        fusedLoss.backward();
        plainLoss.backward();
        var expected = plain.namedParameters();
        fused.namedParameters().forEach((name, p) -> {
            float[] a = p.grad().toArray();
            float[] e = expected.get(name).grad().toArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(1e-5f));
            }
        });
    }

    /**
     * The blocks' fusions (residual add + ln2 in one kernel, the MLP as one op recomputing GELU) against the plain
     * composition of the same layers: the same loss and the same gradient for every parameter, to float rounding, with
     * generic parameter values (non-zero biases, LayerNorms away from (1, 0)), ignored targets and, in training with
     * dropout, the same masks.
     */
    @ParameterizedTest
    @ValueSource(floats = {0f, 0.1f})
    void theFusedBlocksGiveTheLossAndEveryGradientOfThePlainComposition(float dropout) {
        GPTConfig config = new GPTConfig(29, 8, 3, 2, 12, dropout, false);
        Rng data = new Rng(31);
        Tensor idx = tokens(data, 2, 8, 29);
        float[] t = tokens(data, 2, 8, 29).toArray();
        t[5] = Functional.DEFAULT_IGNORE_INDEX;
        Tensor targets = Tensor.fromArray(t, 2, 8);
        GPT fused = generic(new GPT(config, new Rng(32)), new Rng(33));
        GPT plain = generic(new GPT(config, new Rng(32)), new Rng(33));
        Tensor fusedLoss = fused.loss(idx, targets, true);
        Tensor plainLoss = plain.loss(idx, targets, false);
        assertThat((double) fusedLoss.item()).isCloseTo(plainLoss.item(), within(1e-6 * Math.abs(plainLoss.item())));
        fusedLoss.backward();
        plainLoss.backward();
        var expected = plain.namedParameters();
        fused.namedParameters().forEach((name, p) -> {
            float[] a = p.grad().toArray();
            float[] e = expected.get(name).grad().toArray();
            for (int i = 0; i < a.length; i++) {
                assertThat((double) a[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(1e-6 * (1e-3 + Math.abs(e[i]))));
            }
        });
    }

    /** Every parameter of {@code gpt} redrawn at unit-ish scale (LayerNorm scales around 1), so no term is trivial. */
    private static GPT generic(GPT gpt, Rng rng) {
        gpt.namedParameters().forEach((name, p) -> p.copyFrom(Tensor.randn(rng, p.shape().dims()).mul(0.3f)
                .add(name.contains("ln") && name.endsWith("weight") ? 1f : 0f)));
        return gpt;
    }

    @Test
    void targetsOfAnotherShapeThanTheIdsAreRejected() {
        GPT gpt = new GPT(TINY, new Rng(5));
        assertThatThrownBy(() -> gpt.loss(Tensor.zeros(2, 4), Tensor.zeros(8)))
                .hasMessageContaining("targets must have the shape of the token ids (2, 4), got (8)");
    }

    @Test
    void sequencesLongerThanTheContextAreRejected() {
        GPT gpt = new GPT(TINY, new Rng(5));
        assertThatThrownBy(() -> gpt.forward(Tensor.zeros(1, 9)))
                .hasMessageContaining("sequence length 9 exceeds the context length 8");
        assertThatThrownBy(() -> gpt.forward(Tensor.zeros(8))).hasMessageContaining("needs token ids (B, T), got (8)");
        assertThatThrownBy(() -> new GPTConfig(11, 8, 2, 3, 8, 0f, false)).hasMessageContaining("not divisible by 3 heads");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void changingALaterTokenNeverChangesEarlierLogits(long seed) {
        Rng rng = new Rng(seed);
        GPT gpt = new GPT(TINY.withDropout(0.2f), rng);
        gpt.eval();
        Tensor idx = tokens(rng, 2, 8, 11);
        int t = rng.nextInt(7);
        float[] changed = idx.toArray();
        for (int b = 0; b < 2; b++) {
            for (int s = t + 1; s < 8; s++) {
                changed[b * 8 + s] = (changed[b * 8 + s] + 1 + rng.nextInt(10)) % 11;
            }
        }
        float[] before = gpt.forward(idx).toArray();
        float[] after = gpt.forward(Tensor.fromArray(changed, 2, 8)).toArray();
        for (int b = 0; b < 2; b++) {
            int from = b * 8 * 11;
            int to = from + (t + 1) * 11;
            assertThat(Arrays.copyOfRange(after, from, to)).as("batch %d, positions 0..%d", b, t)
                    .containsExactly(Arrays.copyOfRange(before, from, to));
        }
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void gradientsThroughATwoLayerGptMatchCentralDifferences() {
        Rng rng = new Rng(7);
        GPT gpt = new GPT(TINY, rng);
        // Generic values: LayerNorm parameters away from (1, 0), and embeddings of unit scale so that the
        // finite-difference step (1e-2) is small next to them (at std 0.02 the check measures curvature).
        gpt.namedParameters().forEach((name, p) -> {
            if (name.contains("ln")) {
                p.copyFrom(Tensor.randn(rng, p.shape().dims()).mul(0.3f).add(name.endsWith("weight") ? 1f : 0f));
            } else if (name.startsWith("wte") || name.startsWith("wpe")) {
                p.copyFrom(Tensor.randn(rng, p.shape().dims()));
            }
        });
        Tensor idx = tokens(rng, 2, 8, 11);
        Tensor targets = tokens(rng, 2, 8, 11);
        ParameterGradCheck.check("GPT logits", 7, gpt, () -> gpt.forward(idx));
        ParameterGradCheck.check("GPT loss", 8, gpt, () -> gpt.loss(idx, targets).mul(100f), 24);
    }

    @Test
    void checkpointingBlocksLeavesLossAndGradientsBitForBitTheSame() {
        GPTConfig config = TINY.withDropout(0.1f);
        GPT plain = new GPT(config, new Rng(9));
        GPT checkpointed = new GPT(config.withGradientCheckpointing(true), new Rng(9));
        Rng data = new Rng(10);
        Tensor idx = tokens(data, 2, 8, 11);
        Tensor targets = tokens(data, 2, 8, 11);
        Tensor plainLoss = plain.loss(idx, targets);
        Tensor checkpointedLoss = checkpointed.loss(idx, targets);
        assertThat(checkpointedLoss.item()).isEqualTo(plainLoss.item());
        plainLoss.backward();
        checkpointedLoss.backward();
        var expected = plain.namedParameters();
        checkpointed.namedParameters().forEach((name, p) ->
                assertThat(p.grad().toArray()).as(name).containsExactly(expected.get(name).grad().toArray()));
    }
}
