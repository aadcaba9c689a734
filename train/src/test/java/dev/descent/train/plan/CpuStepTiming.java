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
 * @param stepSeconds    the mean measured step, after the warm-up
 * @param medianSeconds  the median step: one that met a burst of other work or a garbage collection counts once
 * @param estimate       the planner's step at that rate ({@link TimePlan#cpuRate})
 * @param efficiency     the share of the calibrated rate the steps reached (by their mean)
 */
record CpuStepTiming(double calibratedRate, double stepSeconds, double medianSeconds, double estimate,
                     double efficiency) {

    /**
     * Steps of warm-up run for at least this long after the first step: the JIT compiles the step meanwhile, on the
     * cores the timed steps would use, as the calibration warms up its passes before timing them. One second was too
     * short on a 2-core machine where the first step alone took more than a second: the timed steps of a small GPT
     * were still getting faster, from 71 to 14 ms, and their median was 2.6 to 5.4 times the estimate; after 3 s (24
     * to 31 steps) they ran at 11 to 28 ms, 1.5 to 1.8 times it. Counted from the start of the first step, the 3 s
     * passed within that step on a busy machine (it took more than 3 s), leaving a warm-up of one step and timed
     * steps of 14 to 536 ms, whose median was 3.3 to 5.9 times the estimate.
     */
    private static final long WARMUP_NANOS = 3_000_000_000L;

    /**
     * The first step and steps of warm-up, then {@code rounds} times: a calibration, then {@code steps} steps of
     * {@code config} (which must have enough for the warm-up and those).
     */
    static CpuStepTiming measure(TrainConfig config, int rounds, int steps) throws IOException {
        Trainer trainer = new Trainer(config, Backends.cpu(), "cpu", new PrintStream(new ByteArrayOutputStream()));
        trainer.run(1);
        long warm = System.nanoTime() + WARMUP_NANOS;
        do {
            trainer.run(1);
        } while (System.nanoTime() < warm);
        int warmup = trainer.history().size();
        TrainConfig.Batch b = config.batch();
        double rates = 0;
        for (int r = 0; r < rounds; r++) {
            rates += CpuCalibration.measure(Backends.cpu(), config.model().gpt(), b.seqLen(),
                    b.microBatch() * b.seqLen()).rate() / rounds;
            trainer.run(steps);
        }
        List<StepLog> timed = trainer.history().subList(warmup, trainer.history().size());
        double[] seconds = timed.stream().mapToDouble(s -> s.millis() / 1000).sorted().toArray();
        double mean = Arrays.stream(seconds).average().orElseThrow();
        double median = (seconds[(seconds.length - 1) / 2] + seconds[seconds.length / 2]) / 2;
        TimePlan plan = TimePlan.of(config.model().gpt(), b.microBatch(), b.seqLen(), b.totalBatchTokens(),
                config.optimization().steps(), 0, 1);
        double estimate = plan.stepSeconds(new TimePlan.Rate("", rates, CpuCalibration.EFFICIENCY, ""));
        return new CpuStepTiming(rates, mean, median, estimate, plan.stepFlops() / mean / rates);
    }
}
