package dev.descent.train.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import org.junit.jupiter.api.Test;

class VramPlanTest {
    private static final long GIB = 1L << 30;
    private static final GPTConfig GPT2_PADDED = GPTConfig.gpt2Small().withVocabSize(50304);

    @Test
    void parameterFiguresMatchTheModelsActualParameterCount() {
        GPTConfig small = new GPTConfig(101, 16, 3, 2, 8, 0f, false);
        long actual = new GPT(small, new Rng(0)).parameterCount();
        VramPlan plan = VramPlan.of(small, 2, 16, VramPlan.Layout.FITTED);
        assertThat(plan.items().get(0).bytes()).isEqualTo(4 * actual);
        assertThat(plan.items().get(1).bytes()).isEqualTo(4 * actual);
        assertThat(plan.items().get(2).bytes()).isEqualTo(8 * actual);
    }

    @Test
    void keepingEveryActivationDoesNotFitA1070TiButTheFittedLayoutDoes() {
        VramPlan keepAll = VramPlan.of(GPT2_PADDED, 2, 1024, VramPlan.Layout.KEEP_ALL);
        VramPlan fitted = VramPlan.of(GPT2_PADDED, 2, 1024, VramPlan.Layout.FITTED);
        assertThat(keepAll.fits(8 * GIB)).isFalse();
        assertThat(fitted.fits(8 * GIB)).isTrue();
        // By hand: 4 x 124.5M x 4 B = 1.85 GiB for parameters, gradients and both moments.
        long state = fitted.items().subList(0, 3).stream().mapToLong(VramPlan.Item::bytes).sum();
        assertThat(state / (double) GIB).isBetween(1.84, 1.86);
        // ... and 2.25 GiB of the kept activations are the attention matrices 2·L·B·NH·T².
        long attention = keepAll.items().stream().filter(i -> i.name().startsWith("attention scores")).findFirst()
                .orElseThrow().bytes();
        assertThat(attention / (double) GIB).isBetween(2.24, 2.26);
    }

    @Test
    void theFittedGpt2PeakIsParametersStateActivationsAndTheClassifier() {
        VramPlan fitted = VramPlan.of(GPT2_PADDED, 2, 1024, VramPlan.Layout.FITTED);
        // 1.85 GiB of state, 0.98 GiB of activations (12 blocks of 14C + 4 floats per token: the MLP keeps its
        // pre-activation, not GELU's output), 0.38 GiB of logits, 0.16 GiB at the classifier's backward
        assertThat(fitted.totalBytes() / (double) GIB).isBetween(3.3, 3.5);
        VramPlan.Item blocks = fitted.items().stream().filter(i -> i.name().startsWith("12 blocks")).findFirst()
                .orElseThrow();
        assertThat(blocks.bytes()).isEqualTo(12L * 2 * 1024 * (14 * 768 + 4) * 4);
        assertThat(fitted.bytes(VramPlan.Phase.MICRO_STEP)).isGreaterThan(fitted.bytes(VramPlan.Phase.OPTIMIZER_STEP));
    }

    /** The largest B·T whose plan with the GPU's allowances fits; among equal token counts the longer sequence. */
    @Test
    void thePlannersMicroBatchIsTheMostTokensThatFitPreferringTheLongerSequence() {
        GPTConfig gpt2 = GPTConfig.gpt2Small();
        assertThat(VramPlan.largestFitting(gpt2, 8 * GIB)).isEqualTo(new VramPlan.MicroBatch(4, 1024));
        // 16 GiB holds 8 x 1024 (and 16 x 512, the same tokens) but not 16 x 1024
        assertThat(VramPlan.largestFitting(gpt2, 16 * GIB)).isEqualTo(new VramPlan.MicroBatch(8, 1024));
        assertThat(VramPlan.of(gpt2, 16, 1024, VramPlan.Layout.FITTED).deviceBytes()).isGreaterThan(16 * GIB);
        // the allowances: the transposed B·T·V dlogits, and an eighth for the allocator's size classes
        VramPlan plan = VramPlan.of(gpt2, 4, 1024, VramPlan.Layout.FITTED);
        assertThat(plan.deviceBytes()).isEqualTo((plan.totalBytes() + 4L * 4 * 1024 * 50257) * 9 / 8);
        assertThatThrownBy(() -> VramPlan.largestFitting(gpt2, GIB))
                .hasMessageContaining("not even one sequence of 64 tokens fits 1.00 GiB");
    }

    /** AdamW fused in place with a finite flag; the gradient norm keeps one partial per 4096 elements on a GPU. */
    @Test
    void theOptimizerStepHoldsPartialSumsOnly() {
        VramPlan fitted = VramPlan.of(GPT2_PADDED, 2, 1024, VramPlan.Layout.FITTED);
        long params = GPT.parameterCount(GPT2_PADDED);
        assertThat(fitted.bytes(VramPlan.Phase.OPTIMIZER_STEP)).isEqualTo(4 * ((params + 4095) / 4096 + 1))
                .isLessThan(1L << 20);
    }

    @Test
    void renderNamesEveryItemAndTheVerdict() {
        String table = VramPlan.of(GPT2_PADDED, 2, 1024, VramPlan.Layout.FITTED).render(8 * GIB);
        assertThat(table).contains("parameters", "AdamW", "log-sum-exp", "MICRO_STEP", "OPTIMIZER_STEP", "peak", "fits");
    }
}
