package dev.descent.train.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The part of a checkpoint that is not tensors: enough to continue a run exactly.
 *
 * @param nextStep       the optimizer step to run next
 * @param rngState       the state of the model's generator (dropout masks)
 * @param loaderEpoch    the data loader's epoch
 * @param loaderOffset   the data loader's token offset within the epoch
 * @param optimizerSteps AdamW's per-parameter step counters, by parameter index
 * @param identity       the configuration fields a resumed run must share (see TrainConfig#identity)
 * @param optimization   the run's AdamW and schedule settings (see TrainConfig#schedule); null in checkpoints
 *                       written before they were recorded
 * @param extensions     the lengthenings of the run's schedule, in order (null or empty: none)
 * @param history        every step's log so far
 * @param initFrom       the weights the run started from ({@code --init-from}); null for a run that started from a
 *                       random initialisation
 */
public record TrainState(int nextStep, long rngState, long loaderEpoch, long loaderOffset,
                         Map<String, Long> optimizerSteps, Map<String, String> identity,
                         Map<String, String> optimization, List<ScheduleExtension> extensions,
                         List<StepLog> history, InitFrom initFrom) {

    /**
     * Where a fine-tuning run's weights came from, and the model's validation loss and sample before its first step.
     *
     * @param source               the directory given to {@code --init-from}
     * @param format               what it is ({@link InitSource.Format#description()})
     * @param validationLossBefore the validation loss of the weights as loaded
     * @param sampleBefore         a sample of the weights as loaded
     */
    public record InitFrom(String source, String format, double validationLossBefore, String sampleBefore) {
    }

    /** The extensions, never null. */
    public List<ScheduleExtension> extensionsOrNone() {
        return extensions == null ? List.of() : extensions;
    }

    /**
     * Refuses a state no run of descent writes, naming {@code file} and the first problem: a missing part, a
     * negative position or step, a history that disagrees with the step.
     */
    void check(Path file) throws IOException {
        String problem = identity == null ? "lacks 'identity'"
                : history == null ? "lacks 'history'"
                : optimizerSteps == null ? "lacks 'optimizerSteps'"
                : nextStep < 0 ? "has a negative nextStep " + nextStep
                : loaderEpoch < 0 ? "has a negative loaderEpoch " + loaderEpoch
                : loaderOffset < 0 ? "has a negative loaderOffset " + loaderOffset
                : nextStep != history.size() ? "has nextStep " + nextStep + " but " + history.size()
                        + " steps of history"
                : firstBadCounter();
        if (problem != null) {
            throw new IOException("checkpoint file " + file + " " + problem + " (descent never writes that: the file "
                    + "was cut short or edited)");
        }
    }

    private String firstBadCounter() {
        for (Map.Entry<String, Long> e : optimizerSteps.entrySet()) {
            if (e.getValue() == null || e.getValue() < 1 || e.getValue() > nextStep) {
                return "has optimizerSteps " + e.getKey() + " = " + e.getValue() + ", outside 1.." + nextStep;
            }
        }
        for (ScheduleExtension e : extensionsOrNone()) {
            if (e == null || e.from() < 0 || e.to() <= e.from()) {
                return "has an impossible schedule extension " + e;
            }
        }
        return null;
    }
}
