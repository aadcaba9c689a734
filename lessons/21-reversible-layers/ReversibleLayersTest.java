package dev.descent.lessons.reversiblelayers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Tensor;
import dev.descent.lessons.StepMemory;
import dev.descent.nn.Sequential;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ReversibleLayersTest {
    @Tag("exercise")
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
        StepMemory[] one = Main.memory(1);
        StepMemory[] two = Main.memory(2);
        StepMemory[] sixteen = Main.memory(16);
        long activation = (long) Main.BATCH * 2 * Main.HALF * Float.BYTES;
        long blockGradients = Main.blocks(1, 21).get(0).parameterCount() * Float.BYTES;
        // reversible: forward leaves the same bytes for backward at any depth; the peak grows by each block's
        // parameter gradients alone, so backward holds one block's rebuilt graph at a time
        assertThat(sixteen[1].heldForBackward()).isEqualTo(one[1].heldForBackward());
        assertThat(sixteen[1].peak() - one[1].peak()).isEqualTo(15 * blockGradients);
        // plain: every block adds the same activations, more than 10 inputs' worth, to both
        long plainPerBlock = two[0].heldForBackward() - one[0].heldForBackward();
        assertThat(plainPerBlock).isGreaterThan(10 * activation);
        assertThat(sixteen[0].heldForBackward() - one[0].heldForBackward()).isEqualTo(15 * plainPerBlock);
        assertThat(sixteen[0].peak() - one[0].peak()).isEqualTo(15 * (plainPerBlock + blockGradients));
    }
}
