package dev.descent.train.loop;

/**
 * What one optimizer step measured.
 *
 * @param mfu     model FLOPs utilisation in [0, 1], or null when the device's peak is unknown (CPUs)
 * @param valLoss the validation loss in nats per token measured after this step, or null when none was
 * @param valBitsPerCharacter the same loss in bits per character of the validation text, or null
 */
public record StepLog(int step, double loss, double gradNorm, double lr, double millis, double tokensPerSecond,
                      Double mfu, Double valLoss, Double valBitsPerCharacter) {
}
