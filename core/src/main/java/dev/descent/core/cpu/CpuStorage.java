package dev.descent.core.cpu;

import dev.descent.core.Backend;
import dev.descent.core.Storage;

/** A CPU tensor's memory: a plain {@code float[]}. */
final class CpuStorage implements Storage {
    final float[] data;

    CpuStorage(float[] data) {
        this.data = data;
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }
}
