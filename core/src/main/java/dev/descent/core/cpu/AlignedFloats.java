package dev.descent.core.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Float arrays in which element {@link #FIRST} starts a 64-byte cache line, where the JVM lets that be known.
 *
 * <p>Why: a 512-bit load whose 64 bytes straddle two cache lines costs the core two accesses of its L1 cache. The
 * matmul micro-kernel ran 15 to 20% faster reading its packed B from a buffer aligned to cache lines than from
 * one 16 bytes off (Intel Xeon with AVX-512, docs/PERFORMANCE.md).
 *
 * <p>How: Java tells nothing of an array's address, but G1, the JVM's default collector wherever there are 2 cores
 * and 2 GB, puts an array of at least half a heap region (a "humongous" object) at the start of a region, and a
 * region is aligned to its size (a power of two, at least 1 MiB). The array's elements then start right after its
 * header: 16 bytes with compressed class pointers (the default), 12 with compact object headers. Under another
 * collector, or with another header, {@link #FIRST} is 0 and an array is as aligned as it happens to be.
 */
final class AlignedFloats {
    private static final int LINE_BYTES = 64;
    private static final int FLOAT_BYTES = Float.BYTES;

    /** Where a cache line starts in the arrays {@link #allocate} makes, or 0 where that is not known. */
    static final int FIRST;
    /** Fewest floats for an array to start a G1 region: half a region; 0 where the collector is another. */
    private static final int HUMONGOUS_FLOATS;

    static {
        HotSpotDiagnosticMXBean vm = hotSpot();
        boolean g1 = vm != null && "true".equals(option(vm, "UseG1GC"));
        long regionBytes = g1 ? parse(option(vm, "G1HeapRegionSize")) : 0;
        int header = vm == null ? 0 : headerBytes(option(vm, "UseCompactObjectHeaders"),
                option(vm, "UseCompressedClassPointers"));
        FIRST = firstAligned(regionBytes, header);
        HUMONGOUS_FLOATS = FIRST == 0 ? 0 : (int) (regionBytes / 2 / FLOAT_BYTES);
    }

    private AlignedFloats() {
    }

    /** A zeroed array with at least {@code length} floats from {@link #FIRST} on. */
    static float[] allocate(int length) {
        return new float[Math.max(FIRST + length, HUMONGOUS_FLOATS)];
    }

    /**
     * The first element at the start of a cache line in an array that starts a G1 region of {@code regionBytes}
     * (0: not G1) behind a header of {@code headerBytes} (0: unknown); 0 where either is unknown.
     */
    static int firstAligned(long regionBytes, int headerBytes) {
        if (regionBytes < LINE_BYTES || headerBytes <= 0 || headerBytes % FLOAT_BYTES != 0) {
            return 0;
        }
        return (LINE_BYTES - headerBytes % LINE_BYTES) % LINE_BYTES / FLOAT_BYTES;
    }

    /**
     * Bytes before element 0 of a float array: mark word and length, plus a 4-byte class pointer unless the class
     * is in the mark word (compact object headers); 0 where the layout is another (full 8-byte class pointers:
     * JDK versions disagree on its padding).
     */
    static int headerBytes(String compactObjectHeaders, String compressedClassPointers) {
        if ("true".equals(compactObjectHeaders)) {
            return 12;
        }
        return "true".equals(compressedClassPointers) ? 16 : 0;
    }

    private static HotSpotDiagnosticMXBean hotSpot() {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) { // not HotSpot, or a runtime without jdk.management
            return null;
        }
    }

    /** The option's value, or null where this JVM has no such option (UseCompactObjectHeaders before JDK 24). */
    private static String option(HotSpotDiagnosticMXBean vm, String name) {
        try {
            return vm.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long parse(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }
}
