package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.descent.core.profile.Counter;
import dev.descent.core.profile.Profiler;
import dev.descent.core.profile.Span;
import dev.descent.cuda.compile.PtxBuilder;
import dev.descent.cuda.kernels.KernelSpec;
import dev.descent.cuda.kernels.KernelStream;
import dev.descent.cuda.kernels.LaunchShape;
import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One GPU as the backend uses it: the primary context, ONE stream that every kernel, copy and cuBLAS call goes on
 * (so work runs in program order and a released block can be reused at once), the caching allocator, and the
 * kernel modules. Kernel launches are checked against their {@link KernelSpec}; a failure names the kernel and its
 * launch shape. Kernels run asynchronously, so an error inside one surfaces at the next synchronising call, which
 * then names the last kernel launched; with {@code syncEveryLaunch} every launch is followed by a synchronise, which
 * pins an error to its kernel.
 *
 * <p>The host waits for the GPU only where it reads: {@link #download}, {@link #downloadInts} and
 * {@link #synchronize} (counted by {@link #synchronizations()}). Uploads of small arrays go through page-locked
 * memory without waiting ({@link UploadRing}); the device-side checks registered with {@link #addReadCheck} run
 * at each read.
 */
public final class CudaDevice implements KernelStream {
    private final DeviceInfo info;
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final CachingAllocator allocator;
    private final KernelModules modules;
    private final Launcher launcher;
    private final UploadRing uploads;
    private final boolean syncEveryLaunch;
    private final CudaEventClock clock;
    private final List<Runnable> readChecks = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);
    private volatile long synchronizations;

    private CudaDevice(DeviceInfo info, CUdevice device, CUcontext context, CUstream stream, CachingAllocator allocator,
                       KernelModules modules, boolean syncEveryLaunch) {
        this.info = info;
        this.device = device;
        this.context = context;
        this.stream = stream;
        this.allocator = allocator;
        this.modules = modules;
        this.launcher = Launcher.onStream(modules::function, stream);
        this.uploads = new UploadRing(stream);
        this.syncEveryLaunch = syncEveryLaunch;
        this.clock = new CudaEventClock(stream);
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

    /** Kernels launched so far. */
    public long launches() {
        return launcher.launches();
    }

    /** Times the host waited for the GPU: reads of device memory and explicit synchronisations. */
    public long synchronizations() {
        return synchronizations;
    }

    /** Times an upload had to wait for the GPU to free a staging slot (normally 0). */
    public long uploadStalls() {
        return uploads.stalls();
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
        try (Span kernel = Profiler.kernel(spec.name(), defines, clock)) {
            launcher.launch(spec, defines, shape, args);
        }
        if (syncEveryLaunch) {
            waitForStream("kernel " + launcher.lastLaunch(), "");
            runReadChecks();
        }
    }

    /** Runs {@code check} at every read of device memory, after the queued work has finished. */
    @Override
    public void addReadCheck(Runnable check) {
        readChecks.add(check);
    }

    private void runReadChecks() {
        readChecks.forEach(Runnable::run);
    }

    /** Context for errors that surface at a synchronising call. */
    private String afterLaunch() {
        return "the last kernel launched was " + launcher.lastLaunch() + (syncEveryLaunch ? ""
                : "; set DESCENT_CUDA_SYNC=1 (CudaOptions.withSyncEveryLaunch) to check every launch and name the "
                + "kernel that failed");
    }

    /**
     * Host to device, in stream order. Up to {@link UploadRing#SLOT_BYTES} without waiting for the GPU (through
     * page-locked memory); larger arrays with a synchronous copy, which waits for the stream first.
     */
    public void upload(DeviceBuffer dst, float[] src) {
        upload(dst, 4L * src.length, Pointer.to(src), () -> uploads.upload(dst.address(), src));
    }

    /** {@link #upload(DeviceBuffer, float[])} for 32-bit integers. */
    @Override
    public void uploadInts(DeviceBuffer dst, int[] src) {
        upload(dst, 4L * src.length, Pointer.to(src), () -> uploads.upload(dst.address(), src));
    }

    /**
     * {@code bytes} from the host: through the staging ring ({@code staged}) when they fit a slot, else with a
     * synchronous copy from {@code host}, pageable memory, for which the driver waits for the stream first.
     */
    private void upload(DeviceBuffer dst, long bytes, Pointer host, Runnable staged) {
        if (bytes == 0) {
            return;
        }
        bind();
        if (UploadRing.fits(bytes)) {
            staged.run();
        } else {
            countSynchronization();
            CudaErrors.check(cuMemcpyHtoD(DriverMemory.pointer(dst.address()), host, bytes), "cuMemcpyHtoD",
                    afterLaunch());
        }
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
        synchronize();
        CudaErrors.check(cuMemcpyDtoH(host, DriverMemory.pointer(src.address() + byteOffset), bytes), "cuMemcpyDtoH",
                afterLaunch());
    }

    /** Device to device on the stream. */
    public void copy(DeviceBuffer dst, DeviceBuffer src, long bytes) {
        if (bytes == 0) {
            return;
        }
        bind();
        try (Span kernel = Profiler.kernel("[memcpy DtoD]", List.of(), clock)) {
            CudaErrors.check(cuMemcpyDtoDAsync(DriverMemory.pointer(dst.address()),
                    DriverMemory.pointer(src.address()), bytes, stream), "cuMemcpyDtoDAsync", afterLaunch());
        }
    }

    /** Sets {@code count} 32-bit words of {@code dst} to {@code value}, on the stream. */
    @Override
    public void fillWords(DeviceBuffer dst, int value, long count) {
        if (count == 0) {
            return;
        }
        bind();
        try (Span kernel = Profiler.kernel("[memset]", List.of(), clock)) {
            CudaErrors.check(cuMemsetD32Async(DriverMemory.pointer(dst.address()), value, count, stream),
                    "cuMemsetD32Async", afterLaunch());
        }
    }

    /**
     * Waits for every queued kernel and copy, reports an asynchronous error with the last launch, then runs the
     * read checks (a bad id recorded on the device is thrown here).
     */
    public void synchronize() {
        bind();
        waitForStream("cuStreamSynchronize", afterLaunch());
        runReadChecks();
    }

    /** The host waits for the stream: a synchronisation, counted here and by the profiler. */
    private void waitForStream(String call, String context) {
        countSynchronization();
        CudaErrors.check(cuStreamSynchronize(stream), call, context);
    }

    private void countSynchronization() {
        synchronizations++;
        Profiler.count(Counter.SYNCS, 1);
    }

    /** The profiler's clock on this device's stream. */
    public CudaEventClock clock() {
        return clock;
    }

    /** Waits for the stream, frees cached memory and staging memory, destroys the stream, releases the context. */
    public void close() {
        bind();
        CudaErrors.check(cuStreamSynchronize(stream), "cuStreamSynchronize", afterLaunch());
        clock.close();
        allocator.emptyCache();
        uploads.free();
        launcher.free();
        CudaErrors.check(cuStreamDestroy(stream), "cuStreamDestroy", "");
        CudaErrors.check(cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease", "");
    }
}
