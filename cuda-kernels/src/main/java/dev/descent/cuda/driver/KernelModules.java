package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;

import dev.descent.cuda.CudaCallException;
import dev.descent.cuda.compile.CompileUnit;
import dev.descent.cuda.compile.PtxBuilder;
import dev.descent.cuda.kernels.KernelSpec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JITOptions;

/**
 * Loaded kernel modules and functions: one module per (file, macro set), its PTX from the {@link PtxBuilder} and
 * JIT-compiled by the driver for the present GPU; functions looked up once and kept.
 */
public final class KernelModules {
    private static final int JIT_LOG_BYTES = 16 * 1024;

    private final PtxBuilder builder;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private long jitNanos;

    KernelModules(PtxBuilder builder) {
        this.builder = builder;
    }

    /** Where the PTX comes from. */
    public PtxBuilder builder() {
        return builder;
    }

    /** E.g. "14 modules, driver JIT 6.1 s; PTX: 3 compiled in 4.2 s, 11 from the PTX cache (nvcc 13.0 -> compute_90)". */
    public synchronized String report() {
        return String.format(Locale.ROOT, "%d modules, driver JIT %.1f s; PTX: %s (%s)", modules.size(), jitNanos / 1e9,
                builder.stats(), builder.choice());
    }

    /** Loads every unit's module now (PTX from the builder, then the driver's JIT), so no launch waits for one. */
    public synchronized void preload(List<CompileUnit> units) {
        for (CompileUnit u : units) {
            modules.computeIfAbsent(moduleKey(u.file(), u.defines()), k -> load(u.file(), u.defines()));
        }
    }

    private static String moduleKey(String file, List<String> defines) {
        return file + " " + defines;
    }

    synchronized CUfunction function(KernelSpec spec, List<String> defines) {
        String moduleKey = moduleKey(spec.file(), defines);
        String key = moduleKey + " " + spec.name();
        CUfunction f = functions.get(key);
        if (f == null) {
            CUmodule module = modules.computeIfAbsent(moduleKey, k -> load(spec.file(), defines));
            f = new CUfunction();
            CudaErrors.check(cuModuleGetFunction(f, module, spec.name()), "cuModuleGetFunction(" + spec.name() + ")",
                    "the kernel is not in " + spec.file() + " (is it extern \"C\"?)");
            functions.put(key, f);
        }
        return f;
    }

    private CUmodule load(String file, List<String> defines) {
        String ptx = builder.ptx(file, defines);
        byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[text.length + 1];                       // the driver wants a NUL-terminated string
        System.arraycopy(text, 0, image, 0, text.length);
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        CUmodule module = new CUmodule();
        long start = System.nanoTime();
        int result = cuModuleLoadDataJIT(module, Pointer.to(image), jit);
        jitNanos += System.nanoTime() - start;
        if (result != CUresult.CUDA_SUCCESS) {
            String log = jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            throw new CudaCallException(CudaErrors.describe(result, "loading the PTX of " + file + " " + defines
                    + " (from " + builder.choice() + ")") + (log == null || log.isBlank() ? "" : "\nJIT log:\n" + log.strip()));
        }
        return module;
    }
}
