package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Parameters that share a learning rate and a weight decay, like one of PyTorch's {@code param_groups}.
 *
 * <p>A group without its own value takes the optimizer's. The usual GPT recipe decays the matrices and
 * leaves biases and LayerNorm gains alone:
 * <pre>{@code
 * new AdamW(ParamGroup.of(matrices), ParamGroup.of(biasesAndGains).withWeightDecay(0))
 *         .lr(6e-4).betas(0.9, 0.95).weightDecay(0.1);
 * // torch.optim.AdamW([{"params": matrices}, {"params": biases_and_gains, "weight_decay": 0}], ...)
 * }</pre>
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final OptionalDouble lr;
    private final OptionalDouble weightDecay;

    private ParamGroup(List<Tensor> params, OptionalDouble lr, OptionalDouble weightDecay) {
        this.params = List.copyOf(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** A group of {@code params} that uses the optimizer's learning rate and weight decay. */
    public static ParamGroup of(List<Tensor> params) {
        return new ParamGroup(params, OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** This group with its own learning rate. */
    public ParamGroup withLr(double value) {
        return new ParamGroup(params, OptionalDouble.of(value), weightDecay);
    }

    /** This group with its own weight decay (0 excludes it from decay). */
    public ParamGroup withWeightDecay(double value) {
        return new ParamGroup(params, lr, OptionalDouble.of(value));
    }

    public List<Tensor> params() {
        return params;
    }

    /** The group's own learning rate, if it has one. */
    public OptionalDouble lr() {
        return lr;
    }

    /** The group's own weight decay, if it has one. */
    public OptionalDouble weightDecay() {
        return weightDecay;
    }
}
