package dev.descent.train.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VramPlanTest {
    private static final long GIB = 1L << 30;

    @Test
    void gpt2SmallHasTheKnownParameterCount() {
        assertThat(VramPlan.parameterCount(50257, 1024, 12, 768)).isEqualTo(124_439_808L);
        assertThat(VramPlan.parameterCount(50304, 1024, 12, 768)).isEqualTo(124_439_808L + 47L * 768);
    }

    @Test
    void keepingEveryActivationDoesNotFitA1070TiButTheFittedLayoutDoes() {
        VramPlan keepAll = VramPlan.of(50304, 1024, 12, 12, 768, 2, 1024, VramPlan.Layout.KEEP_ALL);
        VramPlan fitted = VramPlan.of(50304, 1024, 12, 12, 768, 2, 1024, VramPlan.Layout.FITTED);
        assertThat(keepAll.fits(8 * GIB)).isFalse();
        assertThat(fitted.fits(8 * GIB)).isTrue();
        // DESIGN.md's arithmetic: 4 x 124.5M x 4 B = 1.85 GiB for parameters, gradients and both moments.
        long state = fitted.items().subList(0, 3).stream().mapToLong(VramPlan.Item::bytes).sum();
        assertThat(state / (double) GIB).isBetween(1.84, 1.86);
        // ... and 2.25 GiB of the kept activations are the attention matrices 2·L·B·NH·T².
        long attention = keepAll.items().get(4).bytes();
        assertThat(attention / (double) GIB).isBetween(2.24, 2.26);
    }

    @Test
    void renderNamesEveryItemAndTheVerdict() {
        String table = VramPlan.of(50304, 1024, 12, 12, 768, 2, 1024, VramPlan.Layout.FITTED).render(8 * GIB);
        assertThat(table).contains("parameters", "AdamW", "log-sum-exp", "total", "fits");
    }
}
