package dev.descent.cuda.kernels;

import java.util.Locale;

/**
 * The versions of {@code attention.cu}. {@link #DEFAULT} is v1, the version that has run on a GPU (an H100, correct in
 * every GPU test); v2 is expected to be faster (every k and v row read once per block of queries instead of once per
 * query) and has so far run only in the CPU emulator: AttentionBenchmark and scripts/gpu/run.sh measure both, and v2
 * becomes the default once a GPU run shows it correct and faster ({@code DESCENT_ATTENTION=v2} selects it now).
 */
public enum AttentionVersion {
    /** One warp per row, k and v rows read from global memory for every row. */
    V1_WARP_PER_ROW,
    /** v1's arithmetic on tiles of 32 rows shared by a block through shared memory, flash-attention style. */
    V2_TILED;

    public static final AttentionVersion DEFAULT = V1_WARP_PER_ROW;

    /** "v1" or "v2" (case-insensitive), or a constant's name; the error lists the choices. */
    public static AttentionVersion parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (AttentionVersion v : values()) {
            if (t.equals("v" + (v.ordinal() + 1)) || t.equals(v.name().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown attention version '" + text + "': use v1 or v2");
    }
}
