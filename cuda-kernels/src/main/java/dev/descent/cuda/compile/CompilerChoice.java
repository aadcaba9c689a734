package dev.descent.cuda.compile;

import dev.descent.cuda.CudaUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Which compiler builds the kernels for the present GPU, and for which {@code compute_XY}: NVRTC when
 * {@code libnvrtc.so.12} loads and can target the card, else nvcc from PATH/CUDA_HOME when it can. CUDA 13's nvcc
 * starts at compute_75, so on a Pascal card (6.1) with only CUDA 13 installed this fails and says so.
 */
public record CompilerChoice(PtxCompiler compiler, int arch) {

    /** Picks for a device of compute capability {@code deviceArch} (e.g. 61), trying NVRTC first. */
    public static CompilerChoice forDevice(int deviceArch) {
        return forDevice(deviceArch, NvrtcCompiler::load, NvccCompiler::find);
    }

    /** {@link #forDevice(int)} with the compilers supplied (for tests). {@code nvrtc} throws when NVRTC is unusable. */
    static CompilerChoice forDevice(int deviceArch, Supplier<? extends PtxCompiler> nvrtc,
                                    Supplier<? extends Optional<? extends PtxCompiler>> nvcc) {
        List<String> reasons = new ArrayList<>();
        try {
            PtxCompiler c = nvrtc.get();
            OptionalInt arch = PtxCompiler.pickArch(deviceArch, c.supportedArchs());
            if (arch.isPresent()) {
                return new CompilerChoice(c, arch.getAsInt());
            }
            reasons.add(cannotTarget(c, deviceArch));
        } catch (CudaUnavailableException e) {
            reasons.add(e.getMessage());
        }
        Optional<? extends PtxCompiler> found = nvcc.get();
        if (found.isEmpty()) {
            reasons.add("no nvcc on PATH, in $CUDA_HOME/bin or in /usr/local/cuda/bin");
        } else {
            PtxCompiler c = found.get();
            OptionalInt arch = PtxCompiler.pickArch(deviceArch, c.supportedArchs());
            if (arch.isPresent()) {
                return new CompilerChoice(c, arch.getAsInt());
            }
            reasons.add(cannotTarget(c, deviceArch));
        }
        throw new CudaUnavailableException("no CUDA compiler can build the kernels for this GPU (compute capability "
                + deviceArch / 10 + "." + deviceArch % 10 + "): " + String.join("; ", reasons) + ". Install a CUDA "
                + "12.x toolkit, or only its NVRTC library (libnvrtc.so.12, e.g. the cuda-nvrtc-12-x package), and put "
                + "it on the library path: CUDA 12 still targets compute 5.0 through 9.0.");
    }

    private static String cannotTarget(PtxCompiler c, int deviceArch) {
        int[] archs = c.supportedArchs();
        String range = archs.length == 0 ? "no architectures"
                : "compute_" + archs[0] + " to compute_" + archs[archs.length - 1];
        String why = archs.length > 0 && archs[0] > deviceArch
                ? ": its oldest target is newer than this card (CUDA 13 removed compute 5.x to 7.0, Pascal's 6.1 "
                + "among them)" : "";
        return c.name() + " targets " + range + " and cannot build for compute_" + deviceArch + why;
    }

    @Override
    public String toString() {
        return compiler.name() + " -> compute_" + arch;
    }
}
