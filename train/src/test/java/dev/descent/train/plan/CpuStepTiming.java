package dev.descent.train.plan;

import dev.descent.core.Backends;
import dev.descent.train.TrainConfig;
import dev.descent.train.loop.StepLog;
import dev.descent.train.loop.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The planner's CPU estimate next to measured training steps of the same configuration: calibrations and steps
 * alternate, so both meet the same load on a shared machine.
 *
 * @param calibratedRate the mean of the calibrations' rates, FLOP/s
 * @param stepSeconds    the mean measured step, after one step of warm-up
 * @param medianSeconds  the median step: one that met a burst of other work or a garbage collection counts once
 * @param estimate       the planner's step at that rate ({@link TimePlan#cpuRate})
 * @param efficiency     the share of the calibrated rate the steps reached (by their mean)
 */
record CpuStepTiming(double calibratedRate, double stepSeconds, double medianSeconds, double estimate,
                     double efficiency) {

    /** {@code rounds} times: a calibration, then {@code steps} steps of {@code config} (which must have enough). */
    static CpuStepTiming measure(TrainConfig config, int rounds, int steps) throws IOException {
        Trainer trainer = new Trainer(config, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
        trainer.run(1);
        TrainConfig.Batch b = config.batch();
        double rates = 0;
        for (int r = 0; r < rounds; r++) {
            rates += CpuCalibration.measure(Backends.cpu(), config.model().gpt(), b.seqLen(),
                    b.microBatch() * b.seqLen()).rate() / rounds;
            trainer.run(steps);
        }
        List<StepLog> timed = trainer.history().subList(1, trainer.history().size());
        double[] seconds = timed.stream().mapToDouble(s -> s.millis() / 1000).sorted().toArray();
        double mean = Arrays.stream(seconds).average().orElseThrow();
        double median = (seconds[(seconds.length - 1) / 2] + seconds[seconds.length / 2]) / 2;
        TimePlan plan = TimePlan.of(config.model().gpt(), b.microBatch(), b.seqLen(), b.totalBatchTokens(),
                config.optimization().steps(), 0, 1);
        double estimate = plan.stepSeconds(new TimePlan.Rate("", rates, CpuCalibration.EFFICIENCY, ""));
        return new CpuStepTiming(rates, mean, median, estimate, plan.stepFlops() / mean / rates);
    }
}
