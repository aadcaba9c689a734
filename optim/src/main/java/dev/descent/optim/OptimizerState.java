package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An optimizer's state for a checkpoint, flat enough for a safetensors file plus a little metadata.
 *
 * <p>{@code tensors} maps {@code "<index>.<buffer>"} to a buffer, e.g. {@code "3.exp_avg"}, where index is the
 * parameter's position in the optimizer's {@link Optimizer#params()} (groups in order, parameters in order) and
 * the buffer names are PyTorch's ({@code momentum_buffer}, {@code square_avg}, {@code grad_avg},
 * {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq}). {@code steps} maps {@code "<index>"} to that
 * parameter's update count; a parameter that was never updated has no entries. Learning rates are not part
 * of it: the schedule sets them from the step.
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, Long> steps) {
    public OptimizerState {
        tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
        steps = Collections.unmodifiableMap(new TreeMap<>(steps));
    }
}
