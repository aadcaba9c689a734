package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.train.TrainConfig;
import dev.descent.train.loop.TrainFixtures;
import dev.descent.train.loop.Trainer;
import dev.descent.train.plan.VramPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner against the device allocator: the same two-step run as the CPU ledger check, on {@code --device
 * cuda}. Skips without a usable GPU (fails instead under {@code DEVKIT_REQUIRE_GPU=1}).
 */
@Tag("gpu")
class CudaTrainingMemoryTest {
    @TempDir
    Path dir;

    @Test
    void theDevicesPeakIsThePlanPlusAtMostTheAllocatorsRoundingAndTheTransposedLogits() throws IOException {
        TrainConfig c = TrainFixtures.memoryCheck(TrainFixtures.learnableShards(dir, 32), dir.resolve("run"), "cuda");
        Backend previous = Backends.defaultBackend();
        try {
            Device device = openOrSkip(c);
            Trainer t = new Trainer(c, device.backend(), device.name(), new PrintStream(new ByteArrayOutputStream()));
            t.run(Integer.MAX_VALUE);
            TrainConfig.Batch b = c.batch();
            VramPlan plan = VramPlan.of(c.model().gpt(), b.microBatch(), b.seqLen(), VramPlan.Layout.FITTED);
            // at most: the default hand-written matmul copies dlogits transposed in the classifier's backward, and
            // each block is rounded up to its size class
            assertThat(t.peakMemoryBytes()).isBetween(plan.totalBytes(), plan.deviceBytes());
        } finally {
            Backends.setDefault(previous);
        }
    }

    private static Device openOrSkip(TrainConfig c) {
        try {
            return Device.open(c);
        } catch (CudaUnavailableException e) {
            if ("1".equals(System.getenv("DEVKIT_REQUIRE_GPU"))) {
                fail("no usable CUDA GPU (DEVKIT_REQUIRE_GPU=1: failing instead of skipping): " + e.getMessage(), e);
            }
            return Assumptions.abort("no usable CUDA GPU: " + e.getMessage());
        }
    }
}
