package dev.descent.cuda.doctor;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.NativeLibraries;
import dev.descent.cuda.compile.CompilerChoice;
import dev.descent.cuda.compile.NvccCompiler;
import dev.descent.cuda.compile.NvrtcCompiler;
import dev.descent.cuda.compile.PtxCache;
import dev.descent.cuda.driver.CudaErrors;
import dev.descent.cuda.driver.DeviceInfo;
import dev.descent.cuda.memory.ByteSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.jcublas.JCublas2;

/**
 * {@code doctor}: reports what the CUDA backend needs and finds on this machine: the driver library and version,
 * NVRTC, cuBLAS, nvcc, the GPU (name, compute capability, memory), which compiler would build the kernels, and what
 * to install for anything missing. Never throws: every probe's failure becomes a line of the report.
 */
public final class Doctor {
    private Doctor() {
    }

    /** The report's lines and whether the CUDA backend can start here. */
    public record Report(List<String> lines, boolean usable) {
        @Override
        public String toString() {
            return String.join(System.lineSeparator(), lines);
        }
    }

    /** Prints the report; exit status 0 when the CUDA backend can start, 1 otherwise. */
    public static void main(String[] args) {
        Report report = examine();
        System.out.println(report);
        System.exit(report.usable() ? 0 : 1);
    }

    /** Runs every probe. */
    public static Report examine() {
        List<String> lines = new ArrayList<>();
        lines.add("descent CUDA doctor");
        lines.add("java: " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        lines.add(library(NativeLibraries.DRIVER, "NVIDIA driver",
                "install the NVIDIA driver for the GPU (it provides " + NativeLibraries.DRIVER + "); in a container, "
                        + "pass the GPU through (docker run --gpus all)"));
        lines.add(library(NativeLibraries.NVRTC, "NVRTC, CUDA 12.x", "optional: install CUDA 12.x NVRTC (e.g. the "
                + "cuda-nvrtc-12-x package) to compile kernels in-process; without it nvcc is used"));
        lines.add(library(NativeLibraries.CUBLAS, "cuBLAS, CUDA 12.x", "optional: install CUDA 12.x cuBLAS (e.g. "
                + "libcublas-12-x) for the cuBLAS baseline and fast path"));
        lines.add("NVRTC binding: " + Probe.of(NvrtcCompiler::load)
                .describe(c -> c.name() + ", targets " + archRange(c.supportedArchs())));
        lines.add("cuBLAS binding: " + Probe.of(() -> {
            JCublas2.setExceptionsEnabled(false);
            return "loads";
        }).describe(s -> s));
        lines.add("nvcc: " + Probe.of(NvccCompiler::find).describe(found -> found.map(c -> c.version() + " at "
                + c.path() + ", targets " + archRange(c.supportedArchs()))
                .orElse("not found on PATH, in $CUDA_HOME/bin or /usr/local/cuda/bin")));
        lines.add("PTX cache: " + Probe.of(PtxCache::defaultCache).describe(c -> c.dir().toString()));
        Probe<DeviceInfo> gpu = Probe.of(() -> DeviceInfo.query(0));
        lines.add("GPU: " + gpu.describe(info -> info + ", " + Probe.of(() -> freeMemory(0)).describe(f -> f) + " free"));
        Probe<CompilerChoice> compiler = gpu.value() == null ? new Probe<>(null, "no usable GPU (see the lines above)")
                : Probe.of(() -> CompilerChoice.forDevice(gpu.value().arch()));
        lines.add("CUDA backend: " + compiler.describe(c -> "ok: kernels will be built by " + c));
        return new Report(List.copyOf(lines), compiler.value() != null);
    }

    /** A probe's value, or why it failed: the one place where the doctor catches failures (any Throwable). */
    private record Probe<T>(T value, String failure) {
        static <T> Probe<T> of(Supplier<T> check) {
            try {
                return new Probe<>(check.get(), null);
            } catch (Throwable t) {
                return new Probe<>(null, t instanceof CudaUnavailableException ? t.getMessage() : NativeLibraries.why(t));
            }
        }

        String describe(Function<T, String> what) {
            return value != null ? what.apply(value) : "NO: " + failure;
        }
    }

    private static String library(String soname, String what, String install) {
        return soname + " (" + what + "): " + Probe.of(() -> NativeLibraries.find(soname))
                .describe(found -> found.map(p -> "found at " + p).orElse("not found -> " + install));
    }

    private static String freeMemory(int ordinal) {
        CUdevice dev = new CUdevice();
        CudaErrors.startup(cuDeviceGet(dev, ordinal), "cuDeviceGet");
        CUcontext ctx = new CUcontext();
        CudaErrors.startup(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain");
        try {
            CudaErrors.startup(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            long[] free = new long[1];
            long[] total = new long[1];
            CudaErrors.startup(cuMemGetInfo(free, total), "cuMemGetInfo");
            return ByteSize.format(free[0]);
        } finally {
            cuDevicePrimaryCtxRelease(dev);
        }
    }

    private static String archRange(int[] archs) {
        if (archs.length == 0) {
            return "nothing";
        }
        String range = "compute_" + archs[0] + " to compute_" + archs[archs.length - 1];
        return archs[0] > 61 ? range + " (cannot build for Pascal, compute 6.1)" : range + " " + Arrays.toString(archs);
    }
}
