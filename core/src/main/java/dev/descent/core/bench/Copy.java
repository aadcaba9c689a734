package dev.descent.core.bench;

import java.util.stream.IntStream;

/** The yardstick of the memory-bound benchmarks: a plain copy of the same bytes on all cores. */
final class Copy {
    private Copy() {
    }

    /** to ← from, one contiguous share per core, as the kernels split their work. */
    static void onAllCores(float[] from, float[] to) {
        int cores = Runtime.getRuntime().availableProcessors();
        IntStream.range(0, cores).parallel().forEach(c -> {
            int start = (int) ((long) from.length * c / cores);
            int end = (int) ((long) from.length * (c + 1) / cores);
            System.arraycopy(from, start, to, start, end - start);
        });
    }
}
