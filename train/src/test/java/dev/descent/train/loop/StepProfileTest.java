package dev.descent.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Backends;
import dev.descent.core.profile.Counter;
import dev.descent.core.profile.EventKind;
import dev.descent.core.profile.Profile;
import dev.descent.core.profile.ProfileRow;
import dev.descent.core.profile.Profiler;
import dev.descent.train.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --profile} on the CPU: the warm-up step apart, micro-steps and phases counted per step. */
class StepProfileTest {
    @TempDir
    Path dir;

    @Test
    void theStepsAfterTheWarmupAreProfiledWithTheirMicroStepsAndPhases() throws IOException {
        TrainConfig c = TrainFixtures.memoryCheck(TrainFixtures.learnableShards(dir, 2048), dir.resolve("run"), "cpu");
        TrainConfig.Batch batch = c.batch();
        int microBatches = (int) (batch.totalBatchTokens() / ((long) batch.microBatch() * batch.seqLen()));
        Trainer trainer = new Trainer(c, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
        StepProfile steps = StepProfile.afterWarmup(1);
        trainer.profile(steps);
        trainer.run(Integer.MAX_VALUE);

        assertThat(Profiler.isOn()).as("nothing records after the run").isFalse();
        Profile warmup = steps.warmup();
        Profile steady = steps.steady();
        int steadySteps = c.optimization().steps() - 1;
        assertThat(warmup.microSteps()).isEqualTo(microBatches);
        assertThat(steady.microSteps()).isEqualTo(steadySteps * microBatches);
        assertThat(steady.calls(EventKind.OP, "linearCrossEntropy", Profiler.FORWARD))
                .isEqualTo((long) steadySteps * microBatches);
        assertThat(steady.calls(EventKind.PHASE, "clip", "clip")).isEqualTo(steadySteps);
        assertThat(steady.calls(EventKind.PHASE, "optimizer", "optimizer")).isEqualTo(steadySteps);
        assertThat(allocatedBytes(steady, "optimizer")).as("the fused AdamW step makes one scalar per step, its finite check")
                .isEqualTo(steadySteps * (long) Float.BYTES);
        assertThat(allocatedBytes(steady, "clip")).as("the fused gradient norm makes one scalar per step")
                .isEqualTo(steadySteps * (long) Float.BYTES);
        long self = steady.rows().stream().mapToLong(ProfileRow::selfHostNanos).sum();
        assertThat(self).isEqualTo(steady.wallNanos());
        assertThat(steps.report()).startsWith("warm-up (1 step, not in the table below)")
                .contains("profile of " + steadySteps + " step", "Self host time total");
    }

    /**
     * A step reads three numbers back whatever its micro-batches and parameters (what would make the host wait for a
     * GPU; the CPU backend counts its reads as syncs): the mean loss, the gradient norm, and whether the update left
     * every parameter and AdamW buffer finite. No op, forward or backward, reads any.
     */
    @Test
    void aStepReadsThreeNumbersBackAndNoOpReadsAny() throws IOException {
        TrainConfig c = TrainFixtures.memoryCheck(TrainFixtures.learnableShards(dir, 2048), dir.resolve("run"), "cpu");
        Trainer trainer = new Trainer(c, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
        StepProfile steps = StepProfile.afterWarmup(1);
        trainer.profile(steps);
        trainer.run(Integer.MAX_VALUE);

        Profile steady = steps.steady();
        int steadySteps = c.optimization().steps() - 1;
        assertThat(steady.microSteps()).isGreaterThan(steadySteps);
        assertThat(steady.total(Counter.SYNCS)).isEqualTo(3L * steadySteps);
        assertThat(steady.rows()).filteredOn(r -> r.kind() == EventKind.OP || r.kind() == EventKind.BACKWARD)
                .allSatisfy(r -> assertThat(r.count(Counter.SYNCS)).as(r.name() + " in " + r.phase()).isZero());
    }

    private static long allocatedBytes(Profile profile, String phase) {
        return profile.rows().stream().filter(r -> r.phase().equals(phase)).mapToLong(ProfileRow::allocatedBytes).sum();
    }
}
