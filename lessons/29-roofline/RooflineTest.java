package dev.descent.lessons.roofline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.roofline.Main.Kernel;
import dev.descent.nn.gpt.GPT;
import dev.descent.train.loop.Mfu;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class RooflineTest {
    @Tag("exercise")
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

    @Tag("exercise")
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
