package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import dev.descent.cuda.CudaCallException;
import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.LaunchShape;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;

/**
 * The host side of a kernel launch, kept lean because small ops are bound by it (a GPT-2 step launches thousands
 * of kernels): the function comes from a map keyed by the kernel's spec and macro list (no key strings built), the
 * arguments go into one reused {@link ParamBlock} (no per-launch arrays or JCuda pointer objects), and the launch's
 * description for error messages is built only when an error needs it. It does not synchronise.
 */
public final class Launcher {
    /** The driver's cuLaunchKernel on a stream; a benchmark or test passes a stub to time or check the Java side. */
    @FunctionalInterface
    public interface Call {
        int launch(CUfunction function, LaunchShape shape, Pointer kernelParams);
    }

    /** Where the function of a kernel compiled with a macro set comes from (the loaded modules). */
    @FunctionalInterface
    public interface Functions {
        CUfunction function(KernelSpec spec, List<String> defines);
    }

    private final Functions functions;
    private final Call call;
    private final ParamBlock params;
    private final Map<KernelSpec, Map<List<String>, CUfunction>> found = new IdentityHashMap<>();
    private KernelSpec lastSpec;
    private List<String> lastDefines = List.of();
    private LaunchShape lastShape;
    private long launches;

    Launcher(Functions functions, Call call, ParamBlock params) {
        this.functions = functions;
        this.call = call;
        this.params = params;
    }

    /**
     * A launcher whose driver call is {@code call} and whose argument block is ordinary direct memory the driver
     * never sees: for timing and testing the Java side of a launch on a machine without a GPU.
     */
    public static Launcher stubbed(Functions functions, Call call) {
        ByteBuffer memory = ByteBuffer.allocateDirect(ParamBlock.BYTES);
        return new Launcher(functions, call, new ParamBlock(new Pointer(), 0x1000, memory));
    }

    /** Launches through the driver on {@code stream}, arguments in page-locked host memory. */
    static Launcher onStream(Functions functions, CUstream stream) {
        return new Launcher(functions, (f, s, p) -> cuLaunchKernel(f, s.gridX(), s.gridY(), s.gridZ(), s.blockX(),
                s.blockY(), s.blockZ(), 0, stream, p, null), ParamBlock.allocate());
    }

    /**
     * Queues {@code spec} (compiled with {@code defines}) with {@code args}, which must already satisfy
     * {@link KernelSpec#checkArgs}; a failure to queue names the kernel, its macros and its launch shape.
     */
    public synchronized void launch(KernelSpec spec, List<String> defines, LaunchShape shape, Object[] args) {
        CUfunction function = function(spec, defines);
        Pointer kernelParams = params.pack(spec, args);
        lastSpec = spec;
        lastDefines = defines;
        lastShape = shape;
        launches++;
        int result = call.launch(function, shape, kernelParams);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException(CudaErrors.describe(result, "launching " + lastLaunch()));
        }
    }

    private CUfunction function(KernelSpec spec, List<String> defines) {
        Map<List<String>, CUfunction> bySpec = found.computeIfAbsent(spec, s -> new HashMap<>());
        CUfunction f = bySpec.get(defines);
        if (f == null) {
            f = functions.function(spec, defines);
            bySpec.put(List.copyOf(defines), f);
        }
        return f;
    }

    /** The last launch, e.g. {@code softmax_v3 <<<(2048, 1, 1), (256, 1, 1)>>>}, or "none yet". */
    public synchronized String lastLaunch() {
        if (lastSpec == null) {
            return "none yet";
        }
        return lastSpec.name() + (lastDefines.isEmpty() ? "" : " " + lastDefines) + " " + lastShape;
    }

    /** Kernels launched so far. */
    public synchronized long launches() {
        return launches;
    }

    /** Gives the argument block back to the driver. */
    void free() {
        params.free();
    }
}
