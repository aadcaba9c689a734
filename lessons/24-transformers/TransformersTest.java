package dev.descent.lessons.transformers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class TransformersTest {
    @Tag("exercise")
    @Test
    void attentionFromTensorsAgreesWithCausalSelfAttentionToFloatRounding() {
        // nn runs the fused online-softmax attention: the same function, summed in another order, so the two agree
        // to about 1e-7 (float32 rounding), but not bit for bit.
        for (int heads : new int[] {1, 4}) {
            double[] diff = Main.compareWithNn(heads);
            assertThat(diff[0]).as("output, %d heads", heads).isGreaterThan(0).isLessThan(1e-6);
            assertThat(diff[2]).as("input gradient, %d heads", heads).isGreaterThan(0).isLessThan(1e-6);
        }
    }

    @Tag("exercise")
    @Test
    void headsByReshapeAndPermuteEqualHeadsOneAtATime() {
        assertThat(Main.compareWithNn(4)[1]).isLessThan(1e-6);
    }

    @Tag("exercise")
    @Test
    void attentionWeightsAreDistributionsOverThePast() {
        int t = 6;
        float[] w = Attention.weights(Tensor.randn(new Rng(1), 2, t, 4), Tensor.randn(new Rng(2), 2, t, 4)).toArray();
        for (int row = 0; row < 2 * t; row++) {
            int query = row % t;
            float[] weights = Arrays.copyOfRange(w, row * t, (row + 1) * t);
            double sum = 0;
            for (int key = 0; key < t; key++) {
                sum += weights[key];
                if (key > query) {
                    assertThat(weights[key]).as("query %d, future key %d", query, key).isZero();
                }
            }
            assertThat(sum).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void aTransformerLearnsWhatABagOfTokensCannot() {
        Main.Race race = Main.race();
        assertThat(race.gptAccuracy()).isGreaterThan(0.95);
        assertThat(race.bagAccuracy()).isLessThan(0.5);
        double[] onLag = Main.weightOnLag(race.gpt(), Main.copyTask(new Rng(7), 32)[0], Main.HEADS);
        assertThat(Arrays.stream(onLag).max().orElseThrow()).isGreaterThan(0.8);
    }
}
