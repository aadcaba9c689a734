package dev.descent.lessons.gradientclipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Tensor;
import dev.descent.lessons.gradientclipping.Main.Run;
import dev.descent.optim.GradClip;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GradientClippingTest {
    @Tag("exercise")
    @ParameterizedTest
    @CsvSource({"1, 1, 1.5", "2, 10, 1", "3, 0.1, 5"})
    void clippingFromPrimitivesAgreesWithGradClip(long seed, float scale, double maxNorm) {
        List<Tensor> mine = Main.paramsWithGradients(seed, scale);
        List<Tensor> theirs = Main.paramsWithGradients(seed, scale);
        double norm = GradClip.clipGradNorm(theirs, maxNorm);
        // GradClip adds the squares in float on the tensors' backend, the primitive version in double.
        assertThat(GlobalNormClip.clip(mine, maxNorm)).isCloseTo(norm, within(1e-6 * norm));
        for (int i = 0; i < mine.size(); i++) {
            assertThat(mine.get(i).grad().toArray()).containsExactly(theirs.get(i).grad().toArray(), within(1e-6f * scale));
        }
    }

    @Tag("exercise")
    @Test
    void clippingCapsTheNormAndKeepsTheDirection() {
        List<Tensor> original = Main.paramsWithGradients(4, 3);
        List<Tensor> clipped = Main.paramsWithGradients(4, 3);
        double before = GlobalNormClip.norm(original);
        GradClip.clipGradNorm(clipped, 1.0);
        assertThat(before).isGreaterThan(5);
        assertThat(GlobalNormClip.norm(clipped)).isCloseTo(1.0, within(1e-5));
        // Every entry of every tensor is scaled by the same 1/norm: the direction does not change.
        for (int i = 0; i < clipped.size(); i++) {
            assertThat(clipped.get(i).grad().toArray())
                    .containsExactly(original.get(i).grad().div((float) before).toArray(), within(1e-6f));
        }
    }

    @Tag("exercise")
    @Test
    void gradientsUnderTheLimitAreLeftAlone() {
        List<Tensor> mine = Main.paramsWithGradients(5, 0.1f);
        List<Tensor> theirs = Main.paramsWithGradients(5, 0.1f);
        List<Tensor> untouched = Main.paramsWithGradients(5, 0.1f);
        GlobalNormClip.clip(mine, 10);
        GradClip.clipGradNorm(theirs, 10);
        for (int i = 0; i < mine.size(); i++) {
            assertThat(mine.get(i).grad().toArray()).containsExactly(untouched.get(i).grad().toArray());
            assertThat(theirs.get(i).grad().toArray()).containsExactly(untouched.get(i).grad().toArray());
        }
    }

    @Test
    void oneBadBatchBlowsUpTrainingWithoutClippingAndClippingTamesIt() {
        Run spiked = Main.train(true, false, 1);
        Run clipped = Main.train(true, true, 1);
        // Clean gradients stay under the limit, so before the bad batch the two runs are the same run.
        assertThat(clipped.loss()[Main.BAD_STEP - 1]).isEqualTo(spiked.loss()[Main.BAD_STEP - 1]);
        assertThat(Main.max(clipped.gradNorm(), 0, Main.BAD_STEP)).isLessThan(Main.MAX_NORM);
        assertThat(clipped.gradNorm()[Main.BAD_STEP]).isGreaterThan(1000);
        assertThat(spiked.loss()[Main.BAD_STEP]).isGreaterThan(1000);
        assertThat(Main.diverged(spiked.loss()[Main.STEPS - 1])).isTrue();
        assertThat(clipped.loss()[Main.BAD_STEP]).isLessThan(0.2);
        assertThat(clipped.loss()[Main.STEPS - 1]).isLessThan(0.025);
    }
}
