package dev.descent.train.loop;

import java.util.Locale;
import java.util.Map;

/**
 * Model FLOPs utilisation: the share of a device's peak fp32 rate that the training arithmetic uses.
 *
 * <p>FLOPs per token ≈ 6N + 6·L·C·T (llm.c's estimate: 6 per parameter for forward and backward, plus the
 * attention matmuls, half of which the causal mask makes useless). The peaks are fp32 CUDA-core rates: descent
 * trains in fp32 and the GTX 1070 Ti has no tensor cores.
 */
public final class Mfu {
    /** fp32 peak FLOP/s by device-name fragment (matched case-insensitively against the device name). */
    private static final Map<String, Double> PEAK_FP32 = Map.of(
            "1070 ti", 8.19e12,
            "h100 pcie", 51.2e12,
            "h100", 66.9e12,
            "h200", 66.9e12,
            "a100", 19.5e12,
            "rtx 3090", 35.6e12,
            "rtx 4090", 82.6e12);

    private Mfu() {
    }

    public static double flopsPerToken(long parameters, int layers, int width, int seqLen) {
        return 6.0 * parameters + 6.0 * layers * width * seqLen;
    }

    /** The fp32 peak for a device name, or NaN when it is not in the table (a CPU, an unknown card). */
    public static double peakFlops(String deviceName) {
        String name = deviceName.toLowerCase(Locale.ROOT);
        return PEAK_FP32.entrySet().stream()
                .filter(e -> name.contains(e.getKey()))
                .max(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.length(), b.length())))
                .map(Map.Entry::getValue)
                .orElse(Double.NaN);
    }

    /** MFU in [0, 1] for a measured token rate, or NaN when the device's peak is unknown. */
    public static double of(double tokensPerSecond, double flopsPerToken, String deviceName) {
        return tokensPerSecond * flopsPerToken / peakFlops(deviceName);
    }
}
