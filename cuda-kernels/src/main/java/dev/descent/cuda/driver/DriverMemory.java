package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.descent.core.profile.Counter;
import dev.descent.core.profile.Profiler;
import dev.descent.cuda.memory.DeviceMemory;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;

/** {@link DeviceMemory} on the GPU: cuMemAlloc and cuMemFree in the backend's context. */
public final class DriverMemory implements DeviceMemory {
    private final CUstream stream;

    DriverMemory(CUstream stream) {
        this.stream = stream;
    }

    /** A CUdeviceptr that exposes the address the driver wrote into it. */
    private static final class AllocatedPointer extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    /** A device pointer to {@code address} (JCuda passes native pointer plus byte offset to the driver). */
    public static CUdeviceptr pointer(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    @Override
    public long tryMalloc(long bytes) {
        AllocatedPointer p = new AllocatedPointer();
        int result = cuMemAlloc(p, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return 0;
        }
        CudaErrors.check(result, "cuMemAlloc(" + bytes + " bytes)", "");
        return p.address();
    }

    /** Waits for queued work first: a kernel still running may use the block. */
    @Override
    public void free(long address) {
        Profiler.count(Counter.SYNCS, 1);
        CudaErrors.check(cuStreamSynchronize(stream), "cuStreamSynchronize before cuMemFree", "");
        CudaErrors.check(cuMemFree(pointer(address)), "cuMemFree", "");
    }

    @Override
    public long deviceFreeBytes() {
        long[] free = new long[1];
        long[] total = new long[1];
        return cuMemGetInfo(free, total) == CUresult.CUDA_SUCCESS ? free[0] : -1;
    }
}
