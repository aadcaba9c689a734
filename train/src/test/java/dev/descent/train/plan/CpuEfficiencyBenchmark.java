package dev.descent.train.plan;

import dev.descent.nn.gpt.GPT;
import dev.descent.train.TrainConfig;
import dev.descent.train.loop.TrainFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where {@link CpuCalibration#EFFICIENCY} comes from: seven GPTs, from a width of 32 to a slice of GPT-2 124M (one
 * block, its width, heads and vocabulary) and GPT-2 124M itself at 1 × 256, trained on the CPU between calibrations
 * ({@link CpuStepTiming}); prints the calibrated rate, the mean step, the planner's estimate and the share of the
 * calibration the steps reached (about 4 minutes on 2 cores).
 * <pre>
 * java -cp "train/target/test-classes:$(scripts/classpath.sh train)" dev.descent.train.plan.CpuEfficiencyBenchmark
 * </pre>
 */
public final class CpuEfficiencyBenchmark {
    /** vocab, context, layers, heads, width, micro-batch, sequence length. */
    private static final int[][] MODELS = {{50257, 64, 2, 2, 64, 4, 64}, {4096, 64, 2, 2, 64, 8, 64},
        {2048, 64, 2, 2, 128, 4, 64}, {4096, 128, 4, 4, 256, 4, 128}, {4096, 32, 2, 2, 32, 4, 32},
        {50257, 256, 1, 12, 768, 1, 256}, {50257, 256, 12, 12, 768, 1, 256}};

    private CpuEfficiencyBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("cpu-efficiency");
        System.out.printf(Locale.ROOT, "%d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (int[] m : MODELS) {
            Path data = TrainFixtures.learnableShards(dir.resolve("data-" + m[0]), m[0]);
            TrainConfig config = TrainFixtures.tiny(m[0], data, dir.resolve("run-" + m[4] + "-" + m[0]))
                    .with(new TrainConfig.Model(m[0], m[1], m[2], m[3], m[4], 0f))
                    .with(new TrainConfig.Batch(m[5], m[6], (long) m[5] * m[6])).with("steps", 20)
                    .with("warmupSteps", 1);
            CpuStepTiming t = CpuStepTiming.measure(config, 3, 2);
            System.out.printf(Locale.ROOT, "vocab %5d, width %3d, %d blocks, %2d x %3d: %,11d parameters; "
                    + "calibration %5.1f GFLOP/s, step %7.3f s, estimate %7.3f s (measured/estimate %.2f), "
                    + "efficiency %.2f%n", m[0], m[4], m[2], m[5], m[6], GPT.parameterCount(config.model().gpt()),
                    t.calibratedRate() / 1e9, t.stepSeconds(), t.estimate(), t.stepSeconds() / t.estimate(),
                    t.efficiency());
        }
    }
}
