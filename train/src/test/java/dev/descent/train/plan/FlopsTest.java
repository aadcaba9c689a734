package dev.descent.train.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import org.junit.jupiter.api.Test;

class FlopsTest {
    /**
     * Training FLOPs per token counted matmul by matmul: per block the four Linear layers (C→3C, C→C, C→4C, 4C→C)
     * and attention's q·kᵀ and p·v over the (T + 1)/2 keys a query meets on average under the causal mask, 2·C each
     * per key; the classifier C→V; each 2 FLOPs per multiply-add forward, and backward twice the forward.
     */
    private static double byHand(GPTConfig m, int t) {
        double c = m.width();
        double linears = 2 * (c * 3 * c + c * c + c * 4 * c + 4 * c * c);
        double attention = 2 * (2 * c * (t + 1) / 2.0);
        double forward = m.layers() * (linears + attention) + 2 * c * m.vocabSize();
        return 3 * forward;
    }

    @Test
    void sixNPlusSixLctAgainstAHandCountOfATinyGpt() {
        GPTConfig tiny = new GPTConfig(64, 16, 2, 2, 16, 0f, false);
        // wte 64·16 + wpe 16·16 + 2 blocks of (ln 2·16, qkv 16·48 + 48, proj 16·16 + 16, ln 2·16, fc 16·64 + 64,
        // proj 64·16 + 16) + ln_f 2·16 = 1024 + 256 + 2·3280 + 32
        assertThat(new GPT(tiny, new Rng(0)).parameterCount()).isEqualTo(7872);
        // 6·7872 + 6·2·16·16
        assertThat(Flops.perToken(tiny, 16)).isEqualTo(50_304);
        // forward: 2 blocks of (2·16·48 + 2·16·16 + 2·16·64 + 2·64·16 = 6144, and attention 2·2·16·8.5 = 544) plus
        // the classifier 2·16·64 = 2048: 15,424; times 3
        assertThat(byHand(tiny, 16)).isEqualTo(46_272);
        // The formula counts the 704 parameters no matmul uses (wpe 256, biases 288, LayerNorm 160) and T keys
        // where a query meets (T + 1)/2 on average, halved: 6·704 − 6·L·C
        assertThat(Flops.perToken(tiny, 16) - byHand(tiny, 16)).isEqualTo(6 * 704 - 6 * 2 * 16);
    }

    @Test
    void forGpt2TheFormulaIsWithinAPercentOfTheHandCount() {
        GPTConfig gpt2 = GPTConfig.gpt2Small();
        assertThat(Flops.perToken(gpt2, 1024) / byHand(gpt2, 1024)).isCloseTo(1.0, within(0.01));
        assertThat(Flops.perToken(gpt2, 1024)).isEqualTo(6.0 * 124_439_808 + 6.0 * 12 * 768 * 1024);
    }
}
