package dev.descent.train.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class CardTest {
    private static Card card(String key) {
        return Card.named(key).orElseThrow();
    }

    /** Each fp32 peak is cores (SMs x fp32 lanes) x 2 FLOPs per fused multiply-add x the boost clock. */
    @Test
    void peaksAreCoresTimesTwoTimesTheBoostClock() {
        assertThat(card("1070ti").peakFlops()).isCloseTo(2432 * 2 * 1.683e9, withinPercentage(0.1));
        assertThat(card("h100").peakFlops()).isCloseTo(132 * 128 * 2 * 1.98e9, withinPercentage(0.1));
        assertThat(card("h100-pcie").peakFlops()).isCloseTo(114 * 128 * 2 * 1.755e9, withinPercentage(0.1));
        assertThat(card("a100").peakFlops()).isCloseTo(108 * 64 * 2 * 1.41e9, withinPercentage(0.1));
        assertThat(card("3090").peakFlops()).isCloseTo(10496 * 2 * 1.695e9, withinPercentage(0.1));
        assertThat(card("4090").peakFlops()).isCloseTo(16384 * 2 * 2.52e9, withinPercentage(0.1));
        // the 1070 Ti's 256-bit bus at 8 Gbit/s per pin
        assertThat(card("1070ti").bandwidth()).isEqualTo(256 * 8e9 / 8);
    }

    @Test
    void cudaDeviceNamesFindTheirCardTheLongestMatchFirst() {
        assertThat(Card.forDevice("NVIDIA GeForce GTX 1070 Ti")).contains(card("1070ti"));
        assertThat(Card.forDevice("NVIDIA H100 80GB HBM3")).contains(card("h100"));
        assertThat(Card.forDevice("NVIDIA H100 PCIe")).contains(card("h100-pcie"));
        assertThat(Card.forDevice("NVIDIA H200")).contains(card("h200"));
        assertThat(Card.forDevice("cpu (2 cores)")).isEmpty();
        assertThat(Card.named("H100")).contains(card("h100"));
    }
}
