package dev.descent.core.cpu;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Released CPU tensor arrays, kept by length for the next tensor of that length. A training step makes and releases
 * the same tensors every time (the activations its scope releases, the gradients {@code zeroGrad} releases), so
 * after the first step it takes its arrays from here and leaves the garbage collector next to nothing, which keeps
 * the Java heap near the tensors the step holds (see {@link CpuMemory}).
 *
 * <p>A pooled array belongs to no tensor: {@link CpuStorage#release()} drops its reference before the array comes
 * here, and {@link #take} hands it to exactly one new storage. The owner bounds what is kept with {@link #trimTo};
 * the length classes used least recently give their arrays up to the garbage collector first. Arrays are held
 * softly, so a collector short of memory takes them back before it would fail an allocation: a pool never makes a
 * run that fits without it run out of memory. Not thread-safe: its ledger synchronizes.
 */
final class ArrayPool {
    /** Free arrays by length, least recently taken from or given to first. */
    private final LinkedHashMap<Integer, ArrayDeque<SoftReference<float[]>>> free =
            new LinkedHashMap<>(16, 0.75f, true);
    /** Bytes of the arrays given and not yet taken or trimmed, counting any the collector has cleared since. */
    private long pooledBytes;

    /** A pooled array of exactly {@code n} floats, no longer in the pool, or null when there is none. */
    float[] take(int n) {
        ArrayDeque<SoftReference<float[]>> arrays = free.get(n);
        float[] a = null;
        while (a == null && arrays != null && !arrays.isEmpty()) {
            a = arrays.pop().get();
            pooledBytes -= bytes(n);
        }
        if (arrays != null && arrays.isEmpty()) {
            free.remove(n);
        }
        return a;
    }

    /** Keeps {@code a}, which no tensor refers to any more, for a later {@link #take} of its length. */
    void give(float[] a) {
        free.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(new SoftReference<>(a));
        pooledBytes += bytes(a.length);
    }

    /** Lets go of arrays, least recently used lengths first, until at most {@code maxBytes} are pooled. */
    void trimTo(long maxBytes) {
        Iterator<Map.Entry<Integer, ArrayDeque<SoftReference<float[]>>>> eldest = free.entrySet().iterator();
        while (pooledBytes > maxBytes && eldest.hasNext()) {
            Map.Entry<Integer, ArrayDeque<SoftReference<float[]>>> lengthClass = eldest.next();
            ArrayDeque<SoftReference<float[]>> arrays = lengthClass.getValue();
            while (pooledBytes > maxBytes && !arrays.isEmpty()) {
                arrays.pop();
                pooledBytes -= bytes(lengthClass.getKey());
            }
            if (arrays.isEmpty()) {
                eldest.remove();
            }
        }
    }

    long pooledBytes() {
        return pooledBytes;
    }

    private static long bytes(int length) {
        return 4L * length;
    }
}
