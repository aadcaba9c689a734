package dev.descent.lessons.checkpointing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.lessons.StepMemory;
import dev.descent.lessons.checkpointing.TrainingRun.Part;
import dev.descent.nn.gpt.GPT;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointingTest {
    @TempDir
    static Path dir;
    static float[] uninterrupted;

    @BeforeAll
    static void trainAndSave() throws IOException {
        uninterrupted = Main.trainSaveAndContinue(dir);
    }

    @Tag("exercise")
    @Test
    void resumingFromACheckpointContinuesTheLossSequenceBitForBit() throws IOException {
        float[] resumed = Main.resume(dir, EnumSet.allOf(Part.class), Main.AFTER);
        assertThat(resumed).hasSize(Main.AFTER);
        // float[] equality compares every value exactly, bit for bit.
        assertThat(resumed).containsExactly(uninterrupted);
    }

    @Tag("exercise")
    @Test
    void leavingOutAnyPartOfTheStateChangesTheContinuation() throws IOException {
        for (Part missing : Part.values()) {
            Set<Part> parts = EnumSet.complementOf(EnumSet.of(missing));
            // Each omission shows within the first two steps: a missing position or generator changes the very
            // first batch or dropout mask, a missing optimizer state the first update.
            float[] resumed = Main.resume(dir, parts, 2);
            assertThat(Main.maxDifference(resumed, uninterrupted)).as("resumed without " + missing).isGreaterThan(1e-4);
        }
    }

    @Test
    void gradientCheckpointingGivesIdenticalGradients() {
        Main.Pass plain = Main.forwardBackward(2, false);
        Main.Pass checkpointed = Main.forwardBackward(2, true);
        assertThat(checkpointed.memory().loss()).isEqualTo(plain.memory().loss());
        assertThat(checkpointed.gradients().keySet()).containsExactlyElementsOf(plain.gradients().keySet());
        plain.gradients().forEach((name, g) -> assertThat(checkpointed.gradients().get(name)).as(name).containsExactly(g));
    }

    @Test
    void gradientCheckpointingKeepsOnlyEachBlocksInput() {
        long activation = (long) Main.MEM_BATCH * Main.MEM_T * Main.MEM_WIDTH * Float.BYTES;
        StepMemory plain1 = Main.forwardBackward(1, false).memory();
        StepMemory plain2 = Main.forwardBackward(2, false).memory();
        StepMemory checkpointed1 = Main.forwardBackward(1, true).memory();
        StepMemory checkpointed2 = Main.forwardBackward(2, true).memory();
        // held for backward: one (B, T, C) input per checkpointed block, every intermediate per plain block
        assertThat(checkpointed2.heldForBackward() - checkpointed1.heldForBackward()).isEqualTo(activation);
        assertThat(plain2.heldForBackward() - plain1.heldForBackward()).isGreaterThan(40 * activation);
        // what does not grow with depth includes the fused head's (B·T, V) buffer
        long headBuffer = (long) Main.MEM_BATCH * Main.MEM_T * 256 * Float.BYTES;
        assertThat(checkpointed1.heldForBackward() - activation).isGreaterThan(headBuffer);
        // the peak grows per block by what its forward holds and its parameters' gradients, nothing more:
        // backward frees each activation gradient once used
        long blockGradients = (GPT.parameterCount(Main.memoryConfig(2, true))
                - GPT.parameterCount(Main.memoryConfig(1, true))) * Float.BYTES;
        assertThat(plain2.peak() - plain1.peak())
                .isEqualTo(plain2.heldForBackward() - plain1.heldForBackward() + blockGradients);
        assertThat(checkpointed2.peak() - checkpointed1.peak()).isEqualTo(activation + blockGradients);
        assertThat(checkpointed2.peak()).isLessThan(plain2.peak());
    }
}
