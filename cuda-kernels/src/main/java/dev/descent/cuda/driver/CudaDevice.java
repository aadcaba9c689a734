package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.descent.core.Tensor;
import dev.descent.cuda.CudaCallException;
import dev.descent.cuda.compile.PtxBuilder;
import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.KernelStream;
import dev.descent.cuda.kernels.LaunchShape;
import dev.descent.cuda.kernels.StridedLayout;
import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.CudaStorage;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One GPU as the backend uses it: the primary context, ONE stream that every kernel, copy and cuBLAS call goes on
 * (so work runs in program order and a released block can be reused at once), the caching allocator, and the
 * kernel modules. Kernel launches are checked against their {@link KernelSpec}; a failure names the kernel and its
 * launch shape. Kernels run asynchronously, so an error inside one surfaces at the next synchronising call, which
 * then names the last kernel launched; with {@code syncEveryLaunch} every launch is followed by a synchronise, which
 * pins an error to its kernel.
 */
public final class CudaDevice implements KernelStream {
    private final DeviceInfo info;
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final CachingAllocator allocator;
    private final KernelModules modules;
    private final boolean syncEveryLaunch;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
    private volatile String lastLaunch = "none yet";

    private CudaDevice(DeviceInfo info, CUdevice device, CUcontext context, CUstream stream, CachingAllocator allocator,
                       KernelModules modules, boolean syncEveryLaunch) {
        this.info = info;
        this.device = device;
        this.context = context;
        this.stream = stream;
        this.allocator = allocator;
        this.modules = modules;
        this.syncEveryLaunch = syncEveryLaunch;
        current.set(true);
    }

    /**
     * Opens the GPU {@code info} describes, with its kernels built by {@code kernels} and an allocator capped at
     * {@code vramLimitBytes} (0: no cap); throws {@link dev.descent.cuda.CudaUnavailableException} saying what is
     * missing.
     */
    public static CudaDevice open(DeviceInfo info, PtxBuilder kernels, long vramLimitBytes, boolean syncEveryLaunch) {
        CUdevice device = new CUdevice();
        CudaErrors.startup(cuDeviceGet(device, info.ordinal()), "cuDeviceGet");
        CUcontext context = new CUcontext();
        CudaErrors.startup(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        CudaErrors.startup(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        CUstream stream = new CUstream();
        CudaErrors.startup(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
        CachingAllocator allocator = new CachingAllocator(new DriverMemory(stream), vramLimitBytes);
        return new CudaDevice(info, device, context, stream, allocator, new KernelModules(kernels), syncEveryLaunch);
    }

    public DeviceInfo info() {
        return info;
    }

    /** The loaded kernel modules and where their PTX comes from. */
    public KernelModules modules() {
        return modules;
    }

    /** The device memory, through the caching allocator. */
    public CachingAllocator allocator() {
        return allocator;
    }

    /** The one stream all work goes on (for libraries such as cuBLAS and for CUDA events). */
    public CUstream stream() {
        return stream;
    }

    /** Makes the context current on the calling thread (the driver keeps it per thread). */
    public void bind() {
        if (!current.get()) {
            CudaErrors.check(cuCtxSetCurrent(context), "cuCtxSetCurrent", "");
            current.set(true);
        }
    }

    /** Launches {@code spec} compiled with {@code defines} on the stream; arguments as {@link KernelSpec#checkArgs}. */
    @Override
    public void launch(KernelSpec spec, List<String> defines, LaunchShape shape, Object... args) {
        spec.checkArgs(args);
        bind();
        CUfunction fn = modules.function(spec, defines);
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = param(args[i]);
        }
        String what = spec.name() + (defines.isEmpty() ? "" : " " + defines) + " " + shape;
        lastLaunch = what;
        int result = cuLaunchKernel(fn, shape.gridX(), shape.gridY(), shape.gridZ(), shape.blockX(), shape.blockY(),
                shape.blockZ(), 0, stream, Pointer.to(params), null);
        CudaErrors.check(result, "launching " + what, "");
        if (syncEveryLaunch) {
            CudaErrors.check(cuStreamSynchronize(stream), "kernel " + what, "");
        }
    }

    private static Pointer param(Object a) {
        if (a instanceof Integer i) {
            return Pointer.to(new int[] {i});
        }
        if (a instanceof Float f) {
            return Pointer.to(new float[] {f});
        }
        if (a instanceof StridedLayout s) {
            return Pointer.to(s.words());
        }
        return Pointer.to(DriverMemory.pointer(address(a)));
    }

    /** The device address behind a kernel pointer argument: a buffer, a CUDA tensor, or null (address 0). */
    public static long address(Object a) {
        if (a == null) {
            return 0;
        }
        if (a instanceof DeviceBuffer b) {
            return b.address();
        }
        return ((CudaStorage) ((Tensor) a).storage()).buffer().address();
    }

    /** Context for errors that surface at a synchronising call. */
    private String afterLaunch() {
        return "the last kernel launched was " + lastLaunch + (syncEveryLaunch ? ""
                : "; set DESCENT_CUDA_SYNC=1 (CudaOptions.withSyncEveryLaunch) to check every launch and name the "
                + "kernel that failed");
    }

    /** Host to device, synchronous (ordered after the stream's earlier work: the stream blocks on the legacy stream). */
    public void upload(DeviceBuffer dst, float[] src) {
        if (src.length == 0) {
            return;
        }
        bind();
        CudaErrors.check(cuMemcpyHtoD(DriverMemory.pointer(dst.address()), Pointer.to(src), 4L * src.length),
                "cuMemcpyHtoD", afterLaunch());
    }

    /** {@code count} floats from element {@code offset} of {@code src} to the host, after all queued work. */
    @Override
    public float[] download(DeviceBuffer src, long offset, int count) {
        float[] out = new float[count];
        toHost(Pointer.to(out), src, 4 * offset, 4L * count);
        return out;
    }

    /** {@code count} ints from the start of {@code src}, after all queued work. */
    @Override
    public int[] downloadInts(DeviceBuffer src, int count) {
        int[] out = new int[count];
        toHost(Pointer.to(out), src, 0, 4L * count);
        return out;
    }

    private void toHost(Pointer host, DeviceBuffer src, long byteOffset, long bytes) {
        if (bytes == 0) {
            return;
        }
        bind();
        CudaErrors.check(cuStreamSynchronize(stream), "cuStreamSynchronize", afterLaunch());
        CudaErrors.check(cuMemcpyDtoH(host, DriverMemory.pointer(src.address() + byteOffset), bytes), "cuMemcpyDtoH",
                afterLaunch());
    }

    /** Device to device on the stream. */
    public void copy(DeviceBuffer dst, DeviceBuffer src, long bytes) {
        if (bytes == 0) {
            return;
        }
        bind();
        CudaErrors.check(cuMemcpyDtoDAsync(DriverMemory.pointer(dst.address()), DriverMemory.pointer(src.address()),
                bytes, stream), "cuMemcpyDtoDAsync", afterLaunch());
    }

    /** Sets {@code count} 32-bit words of {@code dst} to {@code value}, on the stream. */
    @Override
    public void fillWords(DeviceBuffer dst, int value, long count) {
        if (count == 0) {
            return;
        }
        bind();
        CudaErrors.check(cuMemsetD32Async(DriverMemory.pointer(dst.address()), value, count, stream),
                "cuMemsetD32Async", afterLaunch());
    }

    /** Waits for every queued kernel and copy; reports an asynchronous error with the last launch. */
    public void synchronize() {
        bind();
        CudaErrors.check(cuStreamSynchronize(stream), "cuStreamSynchronize", afterLaunch());
    }

    /** Waits for the stream, frees cached memory, destroys the stream and releases the primary context. */
    public void close() {
        synchronize();
        allocator.emptyCache();
        CudaErrors.check(cuStreamDestroy(stream), "cuStreamDestroy", "");
        CudaErrors.check(cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease", "");
    }
}
