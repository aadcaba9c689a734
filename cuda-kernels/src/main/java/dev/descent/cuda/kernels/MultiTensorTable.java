package dev.descent.cuda.kernels;

import java.util.Arrays;

/**
 * The table a multi-tensor kernel of {@code optim.cu} reads ({@code adam_multi}, {@code sumsq_multi}): one entry per
 * non-empty tensor, the {@code TensorEntry} struct, {@value #WORDS} 32-bit words:
 * <pre>
 * words 0..9    five device addresses, low word first (0 where unused)
 * word  10      n, the elements of each of those tensors
 * word  11      firstBlock, the first block of the launch that works on this entry
 * words 12..15  four per-tensor float scalars
 * </pre>
 * Block b of the launch works on elements {@code [(b − firstBlock)·CHUNK, +CHUNK)} of the entry with the largest
 * firstBlock ≤ b, so a launch of {@link #blocks()} blocks covers every element of every tensor once.
 */
final class MultiTensorTable {
    /** Words per entry: {@code sizeof(TensorEntry) / 4}. */
    static final int WORDS = 16;
    /** Elements per block: {@code MULTI_CHUNK} in optim.cu. */
    static final int CHUNK = 4096;
    /** Tensors per entry. */
    static final int TENSORS = 5;
    /** Scalars per entry. */
    static final int SCALARS = 4;

    private final int[] words;
    private int count;
    private int blocks;

    /** A table for up to {@code capacity} tensors. */
    MultiTensorTable(int capacity) {
        this.words = new int[capacity * WORDS];
    }

    /**
     * Adds an entry for {@code n} elements of the tensors at {@code addresses} (at most {@value #TENSORS}), with up to
     * {@value #SCALARS} scalars; an empty tensor (n = 0) gets no entry and no block.
     */
    void add(int n, long[] addresses, float... scalars) {
        if (addresses.length > TENSORS || scalars.length > SCALARS) {
            throw new IllegalArgumentException("a table entry holds " + TENSORS + " tensors and " + SCALARS
                    + " scalars, not " + addresses.length + " and " + scalars.length);
        }
        if (n == 0) {
            return;
        }
        int at = count * WORDS;
        for (int k = 0; k < addresses.length; k++) {
            words[at + 2 * k] = (int) addresses[k];
            words[at + 2 * k + 1] = (int) (addresses[k] >>> 32);
        }
        words[at + 2 * TENSORS] = n;
        words[at + 2 * TENSORS + 1] = blocks;
        for (int k = 0; k < scalars.length; k++) {
            words[at + 2 * TENSORS + 2 + k] = Float.floatToRawIntBits(scalars[k]);
        }
        count++;
        blocks = Math.addExact(blocks, LaunchShape.ceilDiv(n, CHUNK));
    }

    /** Entries: the non-empty tensors added. */
    int count() {
        return count;
    }

    /** Blocks a launch over the table needs: Σ ⌈n / CHUNK⌉. */
    int blocks() {
        return blocks;
    }

    /** The entries' words, to upload. */
    int[] words() {
        return Arrays.copyOf(words, count * WORDS);
    }
}
