package dev.descent.core.cpu;

import dev.descent.core.Backend;
import dev.descent.core.Storage;

/**
 * A CPU tensor's memory: a plain {@code float[]}. {@link #release()} drops the array, so a use after release fails
 * with a message (as it would corrupt memory on a device), takes its bytes off the ledger it was counted in and
 * gives the array to that ledger's pool for the next storage of its length ({@link CpuMemory}). The array must be
 * this storage's alone: made by {@link CpuMemory#zeroedArray} or a copy, never one a caller or another storage
 * holds.
 */
final class CpuStorage implements Storage {
    private final int size;
    private final CpuMemory.Ledger ledger;
    private float[] data;

    CpuStorage(float[] data) {
        this.data = data;
        this.size = data.length;
        this.ledger = CpuMemory.made(this);
    }

    float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("a cpu tensor of " + size + " floats was used after its memory was "
                    + "released (its memory scope closed, or backward consumed it); keep it with scope.keep(tensor)");
        }
        return d;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }

    @Override
    public synchronized void release() {
        float[] d = data;
        if (d != null) {
            data = null;
            ledger.released(d);
        }
    }
}
