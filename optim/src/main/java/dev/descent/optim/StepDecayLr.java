package dev.descent.optim;

/**
 * Step decay, PyTorch's {@code StepLR} in closed form: {@code lr_t = lr·γ^⌊t/stepSize⌋}.
 *
 * @param lr       the rate of the first {@code stepSize} steps
 * @param stepSize steps between decays, ≥ 1
 * @param gamma    the factor applied at each decay, ≥ 0
 */
public record StepDecayLr(double lr, long stepSize, double gamma) implements LrSchedule {
    public StepDecayLr {
        Hyper.nonNegative("StepDecayLr", "lr", lr);
        Hyper.atLeastOne("StepDecayLr", "stepSize", stepSize);
        Hyper.nonNegative("StepDecayLr", "gamma", gamma);
    }

    @Override
    public double lr(long step) {
        // lr·γ^⌊t/stepSize⌋
        return lr * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }
}
