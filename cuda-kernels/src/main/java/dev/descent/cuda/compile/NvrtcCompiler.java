package dev.descent.cuda.compile;

import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.NativeLibraries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/**
 * NVRTC through JCuda ({@code jcuda.nvrtc.JNvrtc}): compiles in-process, no CUDA toolkit on PATH needed, but the
 * JCuda 12.6 binding needs {@code libnvrtc.so.12} (any CUDA 12.x), which can still target compute 6.1.
 */
public final class NvrtcCompiler implements PtxCompiler {
    private final String version;
    private final int[] archs;

    private NvrtcCompiler(String version, int[] archs) {
        this.version = version;
        this.archs = archs;
    }

    /**
     * Loads NVRTC and asks for its version and targets. Throws {@link CudaUnavailableException} saying why when
     * libnvrtc.so.12 (or the JCuda binding to it) cannot be loaded.
     */
    public static NvrtcCompiler load() {
        try {
            JNvrtc.setExceptionsEnabled(false);
            int[] major = new int[1];
            int[] minor = new int[1];
            check(JNvrtc.nvrtcVersion(major, minor), "nvrtcVersion");
            int[] count = new int[1];
            check(JNvrtc.nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs");
            int[] archs = new int[count[0]];
            check(JNvrtc.nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
            java.util.Arrays.sort(archs);
            return new NvrtcCompiler(major[0] + "." + minor[0], archs);
        } catch (LinkageError e) {
            throw new CudaUnavailableException("NVRTC is not usable: " + NativeLibraries.why(e)
                    + " (JCuda 12.6 needs libnvrtc.so.12 from a CUDA 12.x install on the library path)", e);
        }
    }

    private static void check(int result, String call) {
        if (result != nvrtcResult.NVRTC_SUCCESS) {
            throw new CudaUnavailableException(call + " failed: " + JNvrtc.nvrtcGetErrorString(result));
        }
    }

    @Override
    public String name() {
        return "NVRTC " + version;
    }

    @Override
    public int[] supportedArchs() {
        return archs.clone();
    }

    @Override
    public String compile(KernelSource source, List<String> defines, int arch) {
        List<String> names = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Map.Entry<String, String> h : source.headers().entrySet()) {
            names.add(h.getKey());
            texts.add(h.getValue());
        }
        nvrtcProgram program = new nvrtcProgram();
        check(JNvrtc.nvrtcCreateProgram(program, source.text(), source.file(), names.size(),
                texts.toArray(String[]::new), names.toArray(String[]::new)), "nvrtcCreateProgram");
        try {
            List<String> options = new ArrayList<>(List.of("--gpu-architecture=compute_" + arch));
            defines.forEach(d -> options.add("-D" + d));
            int result = JNvrtc.nvrtcCompileProgram(program, options.size(), options.toArray(String[]::new));
            String[] log = new String[1];
            JNvrtc.nvrtcGetProgramLog(program, log);
            if (result != nvrtcResult.NVRTC_SUCCESS) {
                throw new KernelCompileException(name(), source.file(), defines, arch,
                        JNvrtc.nvrtcGetErrorString(result) + "\n" + (log[0] == null ? "" : log[0]));
            }
            String[] ptx = new String[1];
            check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX");
            return ptx[0];
        } finally {
            JNvrtc.nvrtcDestroyProgram(program);
        }
    }
}
