package dev.descent.train.loop;

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
 * @param history        every step's log so far
 */
public record TrainState(int nextStep, long rngState, long loaderEpoch, long loaderOffset,
                         Map<String, Long> optimizerSteps, Map<String, String> identity, List<StepLog> history) {
}
