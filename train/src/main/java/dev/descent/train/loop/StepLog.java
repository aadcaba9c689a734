package dev.descent.train.loop;

/**
 * What one optimizer step measured.
 *
 * @param valLoss the validation loss measured after this step, or null when none was
 */
public record StepLog(int step, double loss, double gradNorm, double lr, double millis, double tokensPerSecond,
                      double mfu, Double valLoss) {
}
