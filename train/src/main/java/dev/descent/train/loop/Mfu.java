package dev.descent.train.loop;

import dev.descent.train.plan.Card;
import dev.descent.train.plan.Flops;

/**
 * Model FLOPs utilisation: the share of a device's peak fp32 rate that the training arithmetic uses, from the FLOPs
 * per token ({@link Flops}: 6N + 6·L·C·T) and the card's published peak ({@link Card}).
 */
public final class Mfu {
    private Mfu() {
    }

    /** 6N + 6·L·C·T ({@link Flops#perToken(long, int, int, int)}). */
    public static double flopsPerToken(long parameters, int layers, int width, int seqLen) {
        return Flops.perToken(parameters, layers, width, seqLen);
    }

    /** The fp32 peak for a device name, or NaN when it is not in the card table (a CPU, an unknown card). */
    public static double peakFlops(String deviceName) {
        return Card.forDevice(deviceName).map(Card::peakFlops).orElse(Double.NaN);
    }

    /** MFU in [0, 1] for a measured token rate, or NaN when the device's peak is unknown. */
    public static double of(double tokensPerSecond, double flopsPerToken, String deviceName) {
        return tokensPerSecond * flopsPerToken / peakFlops(deviceName);
    }
}
