package dev.descent.optim;

/**
 * A learning rate as a function of the optimizer step (0-based): {@code lr(0)} is used for the first update.
 * Before each {@code optimizer.step()} the training loop calls {@link #apply}; the schedule keeps no state, so
 * resuming from a checkpoint needs only the step number.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate for step {@code step} (0-based). */
    double lr(long step);

    /** Sets every group of {@code optimizer} to {@code lr(step)} and returns that rate. */
    default double apply(Optimizer<?> optimizer, long step) {
        double lr = lr(step);
        optimizer.setLr(lr);
        return lr;
    }

    /** The same rate at every step. */
    static LrSchedule constant(double lr) {
        double value = Hyper.nonNegative("constant schedule", "lr", lr);
        return step -> value;
    }

    /** PyTorch's StepLR: {@code lr·γ^⌊t/stepSize⌋}. */
    static LrSchedule stepDecay(double lr, long stepSize, double gamma) {
        return new StepDecayLr(lr, stepSize, gamma);
    }

    /** build-nanogpt / llm.c: linear warmup {@code lr·(t+1)/w}, cosine to {@code minLr}, then held there. */
    static LrSchedule warmupCosine(double maxLr, double minLr, long warmupSteps, long maxSteps) {
        return new WarmupCosineLr(maxLr, minLr, warmupSteps, maxSteps);
    }

    /** PyTorch's LinearLR. */
    static LrSchedule linear(double baseLr, double startFactor, double endFactor, long totalIters) {
        return new LinearLr(baseLr, startFactor, endFactor, totalIters);
    }

    /** PyTorch's CosineAnnealingLR (keeps oscillating after {@code tMax}). */
    static LrSchedule cosineAnnealing(double baseLr, long tMax, double etaMin) {
        return new CosineAnnealingLr(baseLr, tMax, etaMin);
    }
}
