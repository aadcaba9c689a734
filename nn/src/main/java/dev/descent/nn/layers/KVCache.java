package dev.descent.nn.layers;

import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values a GPT has computed for the tokens so far, per block, each {@code (B, nh, n, hs)}: what
 * incremental decoding ({@code GPT.decode}) reuses so that a new token costs one position's work in every
 * block instead of the whole sequence's. Position t's key and value depend only on tokens 0..t (attention is
 * causal), so they never change once computed.
 *
 * <p>The cache holds at most the model's context length of positions (the position embedding ends there). Each
 * append replaces a block's tensors with longer ones and releases the old memory at once; {@link #release} frees
 * everything. Callers that run steps in memory scopes keep {@link #tensors()} past each step's scope.
 */
public final class KVCache {
    private final int capacity;
    private final Tensor[] keys;
    private final Tensor[] values;
    private int length;

    /** An empty cache for a model with {@code layers} blocks and a context of {@code capacity} positions. */
    public KVCache(int layers, int capacity) {
        if (layers <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("KVCache: needs layers and capacity > 0, got " + layers + " and " + capacity);
        }
        this.capacity = capacity;
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
    }

    /** Positions whose keys and values every block holds: the next token goes to this position. */
    public int length() {
        return length;
    }

    /** The most positions the cache can hold: the model's context length. */
    public int capacity() {
        return capacity;
    }

    /** The number of blocks it has room for. */
    public int layers() {
        return keys.length;
    }

    /** Fails with a message naming the lengths when {@code newTokens} more positions would not fit. */
    public void checkRoom(int newTokens) {
        if (length + newTokens > capacity) {
            throw new IllegalStateException("KV cache: " + length + " cached + " + newTokens + " new positions exceed "
                    + "the context length " + capacity + "; start a new cache with the last tokens (the position "
                    + "embedding ends at " + capacity + ")");
        }
    }

    /** The view of block {@code layer}'s entry that its attention reads and extends. */
    public Layer layer(int layer) {
        return new Layer(layer);
    }

    /** Counts {@code newTokens} positions as cached, once every block has appended them. */
    public void advance(int newTokens) {
        length += newTokens;
    }

    /** Every tensor the cache holds now (to keep past a memory scope). */
    public Tensor[] tensors() {
        List<Tensor> all = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                all.add(keys[i]);
                all.add(values[i]);
            }
        }
        return all.toArray(new Tensor[0]);
    }

    /** Frees every tensor's memory and empties the cache. */
    public void release() {
        for (int i = 0; i < keys.length; i++) {
            replace(i, null, null);
        }
        length = 0;
    }

    private void replace(int layer, Tensor k, Tensor v) {
        if (keys[layer] != null) {
            keys[layer].storage().release();
            values[layer].storage().release();
        }
        keys[layer] = k;
        values[layer] = v;
    }

    /** One block's keys and values, as its attention reads and extends them. */
    public final class Layer {
        private final int index;

        private Layer(int index) {
            this.index = index;
        }

        /** Positions cached before the tokens being decoded: the first new token's position. */
        public int past() {
            return length;
        }

        /**
         * Appends the new positions' k and v {@code (B, nh, Tn, hs)} and returns all keys and values so far
         * {@code (B, nh, past + Tn, hs)}: [0] keys, [1] values.
         */
        public Tensor[] append(Tensor k, Tensor v) {
            Tensor[] all = keys[index] == null ? new Tensor[] {k, v}
                    : new Tensor[] {Tensor.concat(List.of(keys[index], k), 2), Tensor.concat(List.of(values[index], v), 2)};
            replace(index, all[0], all[1]);
            return all;
        }
    }
}
