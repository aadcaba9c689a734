package dev.descent.lessons.reversiblelayers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Tensor;
import dev.descent.nn.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReversibleLayersTest {
    @Test
    void theInputIsRecomputedFromTheOutputUpToFloatRounding() {
        double oneBlock = Main.reconstructionError(1);
        double eightBlocks = Main.reconstructionError(8);
        // Inputs are of order 1; float32 rounding is about 6e-8 per operation, and it accumulates with depth.
        assertThat(oneBlock).isLessThan(1e-6);
        assertThat(eightBlocks).isLessThan(1e-5);
    }

    @Test
    void reversibleAndOrdinaryStacksComputeTheSameOutput() {
        List<Coupling> blocks = Main.blocks(4, 21);
        Tensor x = Main.input(3);
        float[] plain = new Sequential(blocks).forward(x).toArray();
        float[] reversible = new ReversibleStack(blocks).forward(x).toArray();
        assertThat(reversible).containsExactly(plain);
    }

    @Test
    void reversibleBackpropGivesTheGradientsOfOrdinaryBackprop() {
        // Not bit for bit: the reversible stack backpropagates from inputs recomputed by the inverse.
        assertThat(Main.relativeGradientDifference(8)).isLessThan(1e-5);
    }

    @Test
    void aReversibleStackStoresNoActivationsPerBlock() {
        long[] one = Main.memory(1);
        long[] two = Main.memory(2);
        long[] sixteen = Main.memory(16);
        assertThat(sixteen[1]).isEqualTo(one[1]);
        long plainPerBlock = two[0] - one[0];
        assertThat(sixteen[0] - one[0]).isEqualTo(15 * plainPerBlock);
        long activation = (long) Main.BATCH * 2 * Main.HALF * Float.BYTES;
        assertThat(plainPerBlock).isGreaterThan(10 * activation);
    }
}
