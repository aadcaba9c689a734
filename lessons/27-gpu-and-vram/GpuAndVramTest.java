package dev.descent.lessons.gpuandvram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.gpuandvram.Main.Bill;
import dev.descent.lessons.gpuandvram.Main.Kernel;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Mfu;
import dev.descent.train.plan.VramPlan;
import dev.descent.train.plan.VramPlan.Layout;
import dev.descent.train.plan.VramPlan.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuAndVramTest {
    private static final double GIB = 1L << 30;

    @Test
    void handParameterCountMatchesTheModel() {
        GPTConfig tiny = new GPTConfig(37, 12, 2, 2, 8, 0f, false);
        assertThat(Main.parametersByHand(tiny)).isEqualTo(new GPT(tiny, new Rng(27)).parameterCount());
        assertThat(Main.parametersByHand(Main.GPT2)).isEqualTo(GPT.parameterCount(Main.GPT2)).isEqualTo(124_475_904L);
    }

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

    @Test
    void fittedLayoutFits() {
        Bill keepAll = Main.byHand(Main.GPT2, Main.BATCH, Main.SEQ, Layout.KEEP_ALL);
        Bill fitted = Main.byHand(Main.GPT2, Main.BATCH, Main.SEQ, Layout.FITTED);
        assertThat(fitted.totalBytes()).isLessThan(Main.CARD_BYTES);
        // For GPT-2 a micro-step (1.55 GiB) outweighs AdamW's temporaries (1.01 GiB): the peak is ALWAYS + MICRO_STEP.
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
        // AdamW's update of wte, the largest parameter: 7 temporaries of V·C floats.
        assertThat(Main.largestParameter(Main.GPT2)).isEqualTo(50304 * c);
        assertThat(fitted.bytes(Phase.OPTIMIZER_STEP)).isEqualTo(7 * 4 * 50304 * c);
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

    @Test
    void flopsPerTokenByHandAgreeWithSixNPlusSixLct() {
        double byHand = Main.flopsPerTokenByHand(Main.GPT2, Main.SEQ);
        double estimate = Mfu.flopsPerToken(GPT.parameterCount(Main.GPT2), 12, 768, 1024);
        assertThat(byHand / estimate).isCloseTo(1.0, within(0.01));
        assertThat(estimate).isCloseTo(8.035e8, within(1e5));
        // 2^19 tokens at the 1070 Ti's full 8.19 TFLOP/s: 51 s per optimizer step; at 40 % MFU 129 s.
        assertThat(Main.secondsPerStep(Main.TOKENS_PER_STEP, estimate, Main.PEAK_FLOPS, 1.0))
                .isCloseTo(51.4, within(0.1));
        assertThat(Main.secondsPerStep(Main.TOKENS_PER_STEP, estimate, Main.PEAK_FLOPS, 0.4))
                .isCloseTo(128.6, within(0.1));
    }

    @Test
    void elementwiseOpsAreMemoryBoundOnA1070Ti() {
        assertThat(Main.PEAK_FLOPS / Main.BANDWIDTH).isCloseTo(32.0, within(0.01));
        Map<String, Kernel> kernels = Stream.concat(
                Main.blockKernels(Main.GPT2, Main.BATCH, Main.SEQ).stream(),
                Main.headKernels(Main.GPT2, Main.BATCH, Main.SEQ).stream())
                .collect(Collectors.toMap(Kernel::name, Function.identity()));
        for (String name : List.of("LayerNorm x2", "attention softmax", "residual add x2", "GELU",
                "softmax + cross-entropy", "AdamW update")) {
            assertThat(kernels.get(name).intensity()).as(name).isLessThan(2);
            assertThat(kernels.get(name).memoryBound(Main.PEAK_FLOPS, Main.BANDWIDTH)).as(name).isTrue();
        }
        for (String name : List.of("qkv matmul", "attention projection", "MLP fc matmul", "MLP projection",
                "classifier matmul")) {
            assertThat(kernels.get(name).intensity()).as(name).isGreaterThan(100);
        }
        // Attention's matmuls with head size 64 sit just below the ridge, because of the T×T matrix they write.
        assertThat(kernels.get("attention q·kᵀ").intensity()).isCloseTo(28.4, within(0.1));
    }

    @Test
    void evenPerfectKernelsLoseAQuarterOfThePeakToMemoryBoundOps() {
        double[] bound = Main.rooflineMicroStepSeconds(Main.GPT2, Main.BATCH, Main.SEQ, Main.PEAK_FLOPS,
                Main.BANDWIDTH);
        double atPeak = Main.BATCH * Main.SEQ * Mfu.flopsPerToken(GPT.parameterCount(Main.GPT2), 12, 768, 1024)
                / Main.PEAK_FLOPS;
        assertThat(bound[1] / bound[0]).isBetween(0.3, 0.35);
        assertThat(atPeak / bound[0]).isBetween(0.72, 0.76);
    }

    @Test
    void tilingRaisesTheMatmulsArithmeticIntensity() {
        int n = 32;
        Rng rng = new Rng(61);
        Tensor a = Tensor.randn(rng, n, n);
        Tensor b = Tensor.randn(rng, n, n);
        float[] expected = a.matmul(b).toArray();
        for (int tile : new int[] {1, 4, 16}) {
            float[] c = new float[n * n];
            long reads = Main.tiledMatmul(a.toArray(), b.toArray(), c, n, tile);
            assertThat(reads).isEqualTo(2L * n * n * n / tile);
            assertThat(Main.tiledIntensity(n, reads)).isEqualTo(tile / 4.0);
            for (int i = 0; i < c.length; i++) {
                assertThat(c[i]).as("tile %d, index %d", tile, i).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }
}
