package dev.descent.train.plan;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A GPU the planner knows: its fp32 peak (descent trains in fp32 on CUDA cores: no tensor cores, which the GTX
 * 1070 Ti lacks anyway), its memory bandwidth and its memory, each from the vendor's published specification named
 * in {@code source}.
 *
 * @param key         what {@code plan --card} takes
 * @param name        the card's name
 * @param fragment    a lower-case part of the name CUDA reports for it ("1070 ti" in "NVIDIA GeForce GTX 1070 Ti")
 * @param peakFlops   fp32 FLOP/s: cores × 2 (a fused multiply-add) × boost clock
 * @param bandwidth   memory bytes per second
 * @param memoryBytes the card's memory
 * @param source      where the three figures come from
 */
public record Card(String key, String name, String fragment, double peakFlops, double bandwidth, long memoryBytes,
                   String source) {
    private static final long GIB = 1L << 30;

    /** The cards, by key. */
    public static final List<Card> ALL = List.of(
            new Card("1070ti", "GeForce GTX 1070 Ti", "1070 ti", 8.19e12, 256e9, 8 * GIB, "NVIDIA's GTX 1070 Ti "
                    + "specifications: 2,432 CUDA cores at 1,683 MHz boost; 8 GB GDDR5, 256-bit at 8 Gbit/s"),
            new Card("h100", "H100 SXM5 80GB", "h100", 66.9e12, 3.35e12, 80 * GIB, "NVIDIA H100 datasheet, SXM5: "
                    + "132 SMs x 128 fp32 lanes at 1,980 MHz boost (67 TFLOPS); 80 GB HBM3 at 3.35 TB/s"),
            new Card("h100-pcie", "H100 PCIe 80GB", "h100 pcie", 51.2e12, 2.0e12, 80 * GIB, "NVIDIA H100 datasheet, "
                    + "PCIe: 114 SMs x 128 fp32 lanes at 1,755 MHz boost (51 TFLOPS); 80 GB HBM2e at 2.0 TB/s"),
            new Card("h200", "H200 SXM 141GB", "h200", 66.9e12, 4.8e12, 141_000_000_000L, "NVIDIA H200 datasheet: "
                    + "the H100's chip and clocks (67 TFLOPS fp32); 141 GB HBM3e at 4.8 TB/s"),
            new Card("a100", "A100 SXM 80GB", "a100", 19.5e12, 2.039e12, 80 * GIB, "NVIDIA A100 datasheet: 108 SMs "
                    + "x 64 fp32 lanes at 1,410 MHz boost (19.5 TFLOPS); 80 GB HBM2e at 2,039 GB/s"),
            new Card("3090", "GeForce RTX 3090", "rtx 3090", 35.6e12, 936e9, 24 * GIB, "NVIDIA's RTX 3090 "
                    + "specifications: 10,496 CUDA cores at 1,695 MHz boost; 24 GB GDDR6X at 936 GB/s"),
            new Card("4090", "GeForce RTX 4090", "rtx 4090", 82.6e12, 1008e9, 24 * GIB, "NVIDIA's RTX 4090 "
                    + "specifications: 16,384 CUDA cores at 2,520 MHz boost; 24 GB GDDR6X at 1,008 GB/s"));

    /** The card {@code plan --card key} names, if any. */
    public static Optional<Card> named(String key) {
        return ALL.stream().filter(c -> c.key.equalsIgnoreCase(key)).findFirst();
    }

    /** The card CUDA reports as {@code deviceName}: the longest fragment it contains ("H100 PCIe" is not an SXM5). */
    public static Optional<Card> forDevice(String deviceName) {
        String name = deviceName.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(c -> name.contains(c.fragment))
                .max(Comparator.comparingInt(c -> c.fragment.length()));
    }

    /** "1070ti, h100, .." for messages. */
    public static String keys() {
        return ALL.stream().map(Card::key).collect(Collectors.joining(", "));
    }

    /** "GeForce GTX 1070 Ti: fp32 peak 8.19 TFLOP/s, 256 GB/s, 8.0 GiB". */
    public String describe() {
        return String.format(Locale.ROOT, "%s: fp32 peak %.2f TFLOP/s, %,.0f GB/s, %.1f GiB", name, peakFlops / 1e12,
                bandwidth / 1e9, memoryBytes / (double) GIB);
    }
}
