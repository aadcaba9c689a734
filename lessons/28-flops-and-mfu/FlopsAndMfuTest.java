package dev.descent.lessons.flops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.lessons.Gtx1070Ti;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.train.loop.Mfu;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class FlopsAndMfuTest {
    @Tag("exercise")
    @Test
    void flopsPerTokenByHandAgreeWithSixNPlusSixLct() {
        double byHand = TrainingFlops.perToken(Main.GPT2, Main.SEQ);
        double estimate = Mfu.flopsPerToken(GPT.parameterCount(Main.GPT2), 12, 768, 1024);
        assertThat(byHand / estimate).isCloseTo(1.0, within(0.01));
        // The table Main prints, matmul by matmul, adds up to the same count: training is 3 × forward.
        assertThat(3 * Main.forwardFlopsPerToken(Main.GPT2, Main.SEQ).stream().mapToDouble(Main.Term::flops).sum())
                .isCloseTo(byHand, within(1.0));
        assertThat(estimate).isCloseTo(8.035e8, within(1e5));
    }

    @Tag("exercise")
    @Test
    void theMatmulWeightsAreTheParametersLessTheNonMatmulOnes() {
        // 6N counts every parameter; the hand count only matmul weights. The difference is exactly the position
        // embedding, the biases and the LayerNorms, 2 FLOPs each per token, times 3.
        GPTConfig m = Main.GPT2;
        long c = m.width();
        long notMatmul = m.contextLength() * c + m.layers() * (3 * c + c + 4 * c + c + 4 * c) + 2 * c;
        double attention = 3 * 2 * 2 * 1024 * c / 2.0 * m.layers();
        assertThat(TrainingFlops.perToken(m, 1024) - attention)
                .isCloseTo(6.0 * (GPT.parameterCount(m) - notMatmul), within(1.0));
    }

    @Test
    void anOptimizerStepTakesFiftyOneSecondsAtFullPeak() {
        double estimate = Mfu.flopsPerToken(GPT.parameterCount(Main.GPT2), 12, 768, 1024);
        // 2^19 tokens at the 1070 Ti's full 8.19 TFLOP/s: 51 s per optimizer step; at 40 % MFU 129 s.
        assertThat(Main.secondsPerStep(Gtx1070Ti.TOKENS_PER_STEP, estimate, Gtx1070Ti.PEAK_FLOPS, 1.0))
                .isCloseTo(51.4, within(0.1));
        assertThat(Main.secondsPerStep(Gtx1070Ti.TOKENS_PER_STEP, estimate, Gtx1070Ti.PEAK_FLOPS, 0.4))
                .isCloseTo(128.6, within(0.1));
        // 2,432 cores × 2 FLOPs × 1.683 GHz = 8.186e12, which descent's Mfu rounds to 8.19e12.
        assertThat(Gtx1070Ti.PEAK_FLOPS).isCloseTo(2432 * 2 * 1.683e9, within(5e9));
    }
}
