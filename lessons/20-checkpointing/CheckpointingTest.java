package dev.descent.lessons.checkpointing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.lessons.checkpointing.TrainingRun.Part;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
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

    @Test
    void resumingFromACheckpointContinuesTheLossSequenceBitForBit() throws IOException {
        float[] resumed = Main.resume(dir, EnumSet.allOf(Part.class), Main.AFTER);
        assertThat(resumed).hasSize(Main.AFTER);
        // float[] equality compares every value exactly, bit for bit.
        assertThat(resumed).containsExactly(uninterrupted);
    }

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
        assertThat(checkpointed.loss()).isEqualTo(plain.loss());
        assertThat(checkpointed.gradients().keySet()).containsExactlyElementsOf(plain.gradients().keySet());
        plain.gradients().forEach((name, g) -> assertThat(checkpointed.gradients().get(name)).as(name).containsExactly(g));
    }

    @Test
    void gradientCheckpointingKeepsOnlyEachBlocksInput() {
        long oneActivation = (long) Main.MEM_BATCH * Main.MEM_T * Main.MEM_WIDTH * Float.BYTES;
        long plainPerBlock = Main.forwardBackward(2, false).bytesHeld() - Main.forwardBackward(1, false).bytesHeld();
        long checkpointedPerBlock = Main.forwardBackward(2, true).bytesHeld() - Main.forwardBackward(1, true).bytesHeld();
        assertThat(checkpointedPerBlock).isEqualTo(oneActivation);
        assertThat(plainPerBlock).isGreaterThan(40 * oneActivation);
    }
}
