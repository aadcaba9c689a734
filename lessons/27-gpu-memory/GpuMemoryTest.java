package dev.descent.lessons.gpumemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.lessons.gpumemory.Main.Bill;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.plan.VramPlan;
import dev.descent.train.plan.VramPlan.Layout;
import dev.descent.train.plan.VramPlan.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuMemoryTest {
    private static final double GIB = 1L << 30;

    @Tag("exercise")
    @Test
    void handParameterCountMatchesTheModel() {
        GPTConfig tiny = new GPTConfig(37, 12, 2, 2, 8, 0f, false);
        assertThat(ParameterCount.of(tiny)).isEqualTo(new GPT(tiny, new Rng(27)).parameterCount());
        assertThat(ParameterCount.of(Main.GPT2)).isEqualTo(GPT.parameterCount(Main.GPT2)).isEqualTo(124_475_904L);
    }

    @Tag("exercise")
    @Test
    void handCountMatchesThePlanner() {
        for (GPTConfig model : List.of(Main.GPT2, new GPTConfig(37, 12, 2, 2, 8, 0f, false))) {
            for (Layout layout : Layout.values()) {
                Bill bill = Main.byHand(model, 2, model.contextLength(), layout);
                VramPlan plan = VramPlan.of(model, 2, model.contextLength(), layout);
                assertThat(bill.totalBytes()).as("%s %s", model, layout).isEqualTo(plan.totalBytes());
                for (Phase phase : Phase.values()) {
                    assertThat(bill.bytes(phase)).as("%s %s %s", model, layout, phase).isEqualTo(plan.bytes(phase));
                }
                // The training state: 4 copies of the parameters (θ, g, m, v), 16 bytes each.
                assertThat(bill.bytes(Phase.ALWAYS)).isEqualTo(16 * GPT.parameterCount(model));
            }
        }
    }

    @Tag("exercise")
    @Test
    void keepingEveryActivationDoesNotFitEightGigabytes() {
        Bill keepAll = Main.byHand(Main.GPT2, Main.BATCH, Main.SEQ, Layout.KEEP_ALL);
        assertThat(keepAll.totalBytes()).isGreaterThan(Main.CARD_BYTES);
        // A micro-step's working set outweighs the optimizer's, so the peak is the state plus the micro-step.
        assertThat(keepAll.bytes(Phase.MICRO_STEP)).isGreaterThan(keepAll.bytes(Phase.OPTIMIZER_STEP));
        assertThat(keepAll.totalBytes()).isEqualTo(keepAll.bytes(Phase.ALWAYS) + keepAll.bytes(Phase.MICRO_STEP));
        assertThat(keepAll.totalBytes() / GIB).isCloseTo(10.08, within(0.005));
        // 1.85 GiB of state; 2.25 GiB of T×T attention matrices, 2·L·B·H·T² floats.
        assertThat(keepAll.bytes(Phase.ALWAYS) / GIB).isCloseTo(1.855, within(0.001));
        assertThat(keepAll.bytesOf("attention scores + probabilities, all blocks"))
                .isEqualTo(2L * 12 * 2 * 12 * 1024 * 1024 * 4).isEqualTo((long) (2.25 * GIB));
        // A gradient for every activation but the token ids, the targets and the probabilities.
        long activations = keepAll.bytes(Phase.MICRO_STEP) - keepAll.bytesOf("activation gradients, one per activation");
        assertThat(keepAll.bytesOf("activation gradients, one per activation")).isEqualTo(activations
                - keepAll.bytesOf("token ids") - keepAll.bytesOf("targets") - keepAll.bytesOf("probabilities"));
        assertThat(keepAll.bytesOf("activation gradients, one per activation") / GIB).isCloseTo(3.92, within(0.005));
        // The state alone fits; the activations and their gradients are what overflow.
        assertThat(keepAll.bytes(Phase.ALWAYS)).isLessThan(Main.CARD_BYTES / 4);
    }

    @Tag("exercise")
    @Test
    void fittedLayoutFits() {
        Bill keepAll = Main.byHand(Main.GPT2, Main.BATCH, Main.SEQ, Layout.KEEP_ALL);
        Bill fitted = Main.byHand(Main.GPT2, Main.BATCH, Main.SEQ, Layout.FITTED);
        assertThat(fitted.totalBytes()).isLessThan(Main.CARD_BYTES);
        // For GPT-2 a micro-step (1.55 GiB) outweighs the optimizer step (0.12 MiB): the peak is ALWAYS + MICRO_STEP.
        assertThat(fitted.bytes(Phase.MICRO_STEP)).isGreaterThan(fitted.bytes(Phase.OPTIMIZER_STEP));
        assertThat(fitted.totalBytes()).isEqualTo(fitted.bytes(Phase.ALWAYS) + fitted.bytes(Phase.MICRO_STEP));
        assertThat(fitted.totalBytes() / GIB).isCloseTo(3.40, within(0.005));
        // One log-sum-exp per attention row instead of two T×T matrices: 2·1024 times smaller.
        assertThat(keepAll.bytesOf("attention scores + probabilities, all blocks"))
                .isEqualTo(2 * 1024 * fitted.bytesOf("attention log-sum-exp, all blocks"));
        // The fused classifier keeps the logits only, B·T·V floats = 393 MiB, and dlogits overwrite them.
        assertThat(fitted.bytesOf("logits, overwritten by dlogits")).isEqualTo(2L * 1024 * 50304 * 4)
                .isEqualTo(393L << 20);
        assertThat(fitted.bytesOf("probabilities")).isZero();
        // Backward peaks at the classifier, V·C + 2·B·T·C floats: in an MLP, 10·B·T·C + 4C² + C is less than the
        // freed logits.
        long c = 768;
        long classifier = 50304 * c + 2 * 2048 * c;
        assertThat(fitted.bytesOf("backward's transient peak")).isEqualTo(4 * classifier);
        assertThat(Main.mlpBackward(Main.BATCH, Main.SEQ, c).stream().mapToLong(Main.Line::floats).sum())
                .isEqualTo(10 * 2048 * c + 4 * c * c + c).isLessThan(2048L * 50304);
        // The fused MLP keeps its pre-activation only: each block holds 4C floats per token less than keep-all's.
        assertThat(keepAll.bytesOf("12 blocks, without attention matrices")
                - fitted.bytesOf("12 blocks, without attention matrices")).isEqualTo(12L * 2048 * 4 * c * 4);
        // Fused AdamW makes no temporaries, only a flag; the gradient norm keeps one partial per 4096 numbers of g.
        long n = ParameterCount.of(Main.GPT2);
        assertThat(fitted.bytes(Phase.OPTIMIZER_STEP)).isEqualTo(4 * ((n + 4095) / 4096 + 1)).isLessThan(1L << 20);
    }

    @Test
    void theFittedPlanIsWhatARealTrainingRunHolds(@TempDir Path dir) throws IOException {
        for (GPTConfig model : List.of(Main.TINY_LARGE_VOCAB, Main.TINY_SMALL_VOCAB)) {
            long measured = Main.measuredPeakBytes(model, Main.TINY_BATCH, Main.TINY_SEQ,
                    dir.resolve(String.valueOf(model.vocabSize())));
            long planned = VramPlan.of(model, Main.TINY_BATCH, Main.TINY_SEQ, Layout.FITTED).totalBytes();
            assertThat(Main.byHand(model, Main.TINY_BATCH, Main.TINY_SEQ, Layout.FITTED).totalBytes())
                    .isEqualTo(planned);
            assertThat((double) measured / planned).as("vocab %d", model.vocabSize()).isBetween(0.995, 1.005);
        }
        // The 64-token vocabulary makes backward peak in an MLP instead of the classifier.
        long c = 32;
        long bt = Main.TINY_BATCH * Main.TINY_SEQ;
        long mlp = Main.mlpBackward(Main.TINY_BATCH, Main.TINY_SEQ, c).stream().mapToLong(Main.Line::floats).sum();
        assertThat(mlp).isEqualTo(10 * bt * c + 4 * c * c + c);
        assertThat(mlp - bt * 64).isGreaterThan(64 * c + 2 * bt * c);
        assertThat(mlp - bt * 2048).isLessThan(2048 * c + 2 * bt * c);
    }
}
