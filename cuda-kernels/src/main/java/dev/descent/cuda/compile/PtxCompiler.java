package dev.descent.cuda.compile;

import java.util.List;
import java.util.OptionalInt;

/** Something that turns CUDA C++ into PTX for a virtual architecture: NVRTC in-process, or the nvcc program. */
public interface PtxCompiler {
    /** What it is, for logs and errors, e.g. {@code NVRTC 12.6} or {@code nvcc 13.0 (/usr/local/cuda/bin/nvcc)}. */
    String name();

    /**
     * What decides the PTX it writes, for cache keys: the compiler and its version, not where it is installed
     * ({@code nvcc 13.0}), so PTX compiled on one machine is found on another with the same compiler.
     */
    default String identity() {
        return name();
    }

    /** The architectures it can emit PTX for, as numbers like 61 or 90, ascending. */
    int[] supportedArchs();

    /** PTX text for {@code compute_<arch>} with the given {@code -D} definitions (e.g. {@code V6_BM=64}). */
    String compile(KernelSource source, List<String> defines, int arch);

    /**
     * The architecture to compile for a device of compute capability {@code deviceArch}: the highest supported one
     * not above it (the driver JIT-compiles PTX forward to newer GPUs, never backward), or empty when every
     * supported one is newer than the device.
     */
    static OptionalInt pickArch(int deviceArch, int[] supported) {
        int best = -1;
        for (int a : supported) {
            if (a <= deviceArch && a > best) {
                best = a;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }
}
