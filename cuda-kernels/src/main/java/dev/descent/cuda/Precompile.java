package dev.descent.cuda;

import dev.descent.cuda.compile.CompileUnit;
import dev.descent.cuda.compile.CompilerChoice;
import dev.descent.cuda.compile.NvccCompiler;
import dev.descent.cuda.compile.PtxBuilder;
import dev.descent.cuda.compile.PtxCache;
import dev.descent.cuda.compile.PtxCompiler;
import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.Kernels;
import dev.descent.cuda.kernels.matmul.MatmulConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every kernel module the backend and its GPU tests load, compiled ahead of time into a PTX cache folder: a GPU
 * machine that is handed the folder ({@code DESCENT_PTX_CACHE}) finds every module there and compiles nothing. The
 * cache key holds the compiler's release and the architecture, not the compiler's path, so the GPU machine must
 * pick the same nvcc release and the same {@code compute_XY} (an H100 or H200 with CUDA 13.0: {@code --arch 90});
 * anything else is compiled there as usual.
 *
 * <p>{@code Precompile --arch 90 --cache DIR [--parallel N]}: compiles what the folder lacks and prints the totals.
 */
public final class Precompile {
    private Precompile() {
    }

    /** Each kernel file once, matmul.cu once per module of the tile sweep (the defaults' module among them). */
    public static List<CompileUnit> units() {
        List<CompileUnit> units = new ArrayList<>();
        for (String file : Kernels.ALL.stream().map(KernelSpec::file).distinct().toList()) {
            if (file.equals(Kernels.MATMUL_V1.file())) {
                MatmulConfig.sweepModules().forEach(d -> units.add(new CompileUnit(file, d)));
            } else {
                units.add(new CompileUnit(file, List.of()));
            }
        }
        return units;
    }

    public static void main(String[] args) {
        int arch = Integer.parseInt(option(args, "--arch", "90"));
        Path dir = Path.of(option(args, "--cache", "target/ptx-cache"));
        int parallel = Integer.parseInt(option(args, "--parallel", Integer.toString(
                Runtime.getRuntime().availableProcessors())));
        NvccCompiler nvcc = NvccCompiler.find().orElseThrow(() -> new CudaUnavailableException(
                "Precompile needs nvcc on PATH, in $CUDA_HOME/bin or in /usr/local/cuda/bin"));
        if (PtxCompiler.pickArch(arch, nvcc.supportedArchs()).orElse(-1) != arch) {
            throw new IllegalArgumentException(nvcc + " cannot build for compute_" + arch);
        }
        PtxBuilder builder = new PtxBuilder(new CompilerChoice(nvcc, arch), new PtxCache(dir));
        List<CompileUnit> units = units();
        long start = System.nanoTime();
        builder.prebuild(units, parallel);
        System.out.printf(Locale.ROOT, "%d kernel modules for compute_%d by nvcc %s in %s: %s; %.1f s wall time%n",
                units.size(), arch, nvcc.version(), dir, builder.stats(), (System.nanoTime() - start) / 1e9);
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
