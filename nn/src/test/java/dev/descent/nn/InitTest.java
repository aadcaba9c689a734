package dev.descent.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void normalHasTheRequestedMeanAndStd() {
        float[] v = Init.normal(new Rng(1), 3f, 0.5f, 200, 100).toArray();
        assertThat(mean(v)).isCloseTo(3, within(0.01));
        assertThat(std(v)).isCloseTo(0.5, within(0.01));
    }

    @Test
    void uniformStaysInItsRangeWithTheUniformStd() {
        float[] v = Init.uniform(new Rng(2), -2f, 4f, 20000).toArray();
        for (float x : v) {
            assertThat(x).isBetween(-2f, 4f);
        }
        assertThat(mean(v)).isCloseTo(1, within(0.05));
        assertThat(std(v)).isCloseTo(6 / Math.sqrt(12), within(0.03));
    }

    @Test
    void fansFollowPyTorch() {
        assertThat(Init.fanIn(8, 3)).isEqualTo(3);
        assertThat(Init.fanOut(8, 3)).isEqualTo(8);
        assertThat(Init.fanIn(8, 3, 5)).isEqualTo(15);
        assertThat(Init.fanOut(8, 3, 5)).isEqualTo(40);
        assertThatThrownBy(() -> Init.fanIn(4)).hasMessageContaining("rank >= 2");
    }

    @Test
    void xavierAndKaimingUseTheirBoundsAndStds() {
        // xavier uniform: a = gain·√(6/(fanIn + fanOut)) = √(6/400)
        float[] xu = Init.xavierUniform(new Rng(3), 1f, 300, 100).toArray();
        assertThat(maxAbs(xu)).isLessThanOrEqualTo(Math.sqrt(6.0 / 400)).isGreaterThan(0.99 * Math.sqrt(6.0 / 400));
        // xavier normal: std = gain·√(2/(fanIn + fanOut))
        assertThat(std(Init.xavierNormal(new Rng(4), 2f, 300, 100).toArray())).isCloseTo(2 * Math.sqrt(2.0 / 400), within(0.002));
        // kaiming uniform: b = gain·√(3/fanIn)
        float[] ku = Init.kaimingUniform(new Rng(5), Init.GAIN_RELU, 300, 100).toArray();
        assertThat(maxAbs(ku)).isLessThanOrEqualTo(Math.sqrt(2) * Math.sqrt(3.0 / 100) + 1e-6)
                .isGreaterThan(0.99 * Math.sqrt(2) * Math.sqrt(3.0 / 100));
        // kaiming normal: std = gain/√fanIn
        assertThat(std(Init.kaimingNormal(new Rng(6), Init.GAIN_RELU, 300, 100).toArray())).isCloseTo(Math.sqrt(2.0 / 100), within(0.003));
        assertThat(Init.leakyReluGain(0f)).isEqualTo(Init.GAIN_RELU);
        assertThat(Init.leakyReluGain((float) Math.sqrt(5))).isCloseTo((float) Math.sqrt(1 / 3.0), within(1e-6f));
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        assertThat(Init.normal(new Rng(7), 0, 1, 5).toArray()).containsExactly(Init.normal(new Rng(7), 0, 1, 5).toArray());
        assertThat(Init.zeros(2, 2).toArray()).containsOnly(0f);
        assertThat(Init.ones(3).toArray()).containsOnly(1f);
        assertThat(Init.uniform(new Rng(7), 0, 1, 4).requiresGrad()).isFalse();
    }

    @Test
    void initialValuesAreLeavesThatCanBecomeParameters() {
        Tensor t = Init.kaimingNormal(new Rng(8), 1f, 2, 2);
        assertThat(t.isLeaf()).isTrue();
        assertThat(t.requiresGrad(true).requiresGrad()).isTrue();
    }
}
