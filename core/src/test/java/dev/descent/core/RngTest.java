package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SplitMix64 generator: reference stream, state checkpoints, and the distributions built on it. */
class RngTest {

    /** The published SplitMix64 outputs for seed 0 (Vigna's reference splitmix64.c). */
    @Test
    void matchesTheReferenceStream() {
        Rng rng = new Rng(0);
        assertThat(rng.nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(rng.nextLong()).isEqualTo(0x6E789E6AA1B965F4L);
        assertThat(rng.nextLong()).isEqualTo(0x06C45D188009454FL);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void savedStateContinuesTheSameStream(long seed) {
        Rng rng = new Rng(seed);
        rng.nextGaussian();
        rng.nextInt(7);
        long saved = rng.state();
        double[] expected = {rng.nextDouble(), rng.nextGaussian(), rng.nextFloat(), rng.nextLong()};
        Rng restored = new Rng(12345);
        restored.nextLong();
        restored.setState(saved);
        assertThat(new double[] {restored.nextDouble(), restored.nextGaussian(), restored.nextFloat(),
                restored.nextLong()}).containsExactly(expected);
        assertThat(restored.state()).isEqualTo(rng.state());
    }

    @Test
    void aTensorDrawnAfterRestoringIsTheSameTensor() {
        Rng rng = new Rng(3);
        Tensor.randn(rng, 10);
        long saved = rng.state();
        float[] next = Tensor.randn(rng, 4, 4).toArray();
        rng.setState(saved);
        assertThat(Tensor.randn(rng, 4, 4).toArray()).containsExactly(next);
    }

    @Test
    void nextIntCoversTheRangeEvenly() {
        Rng rng = new Rng(9);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[rng.nextInt(7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
        assertThat(new Rng(1).nextInt(1)).isZero();
        assertThatThrownBy(() -> rng.nextInt(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    @Test
    void uniformDrawsStayInTheUnitInterval() {
        Rng rng = new Rng(4);
        for (int i = 0; i < 10_000; i++) {
            assertThat(rng.nextDouble()).isGreaterThanOrEqualTo(0).isLessThan(1);
            assertThat(rng.nextFloat()).isGreaterThanOrEqualTo(0).isLessThan(1);
        }
    }

    @Test
    void gaussianDrawsHaveUnitVarianceAndAreFinite() {
        Rng rng = new Rng(6);
        double sum = 0;
        double sq = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double z = rng.nextGaussian();
            assertThat(Double.isFinite(z)).isTrue();
            sum += z;
            sq += z * z;
        }
        assertThat(sum / n).isCloseTo(0, within(0.015));
        assertThat(sq / n).isCloseTo(1, within(0.02));
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        assertThat(new Rng(1).nextLong()).isNotEqualTo(new Rng(2).nextLong());
    }
}
