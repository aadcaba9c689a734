package dev.descent.core.cpu;

/**
 * Where causal self-attention finds its data: {@code qkv (B, T, 3C)} holds [q | k | v], head h uses channels
 * h·hs .. (h+1)·hs − 1 of each third; the output and dout are {@code (B, T, C)}, C = heads·hs.
 */
record AttentionLayout(int t, int heads, int hs) {
    int c() {
        return heads * hs;
    }

    /** Offset of head h of q (part 0), k (1) or v (2) at position (b, pos) in qkv. */
    int qkvOffset(int b, int pos, int h, int part) {
        return (b * t + pos) * 3 * c() + part * c() + h * hs;
    }

    /** How far apart the entries of two neighbouring positions are in qkv: 3C. */
    int positionStride() {
        return 3 * c();
    }

    /** How far apart the entries of two neighbouring positions are in a (B, T, C) tensor: C. */
    int rowStride() {
        return c();
    }

    /** Offset of head h at position (b, pos) in a (B, T, C) tensor. */
    int rowOffset(int b, int pos, int h) {
        return (b * t + pos) * c() + h * hs;
    }
}
