package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventQuery;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;

/**
 * Host-to-device copies that do not make the host wait. A plain cuMemcpyHtoD from a Java array (pageable memory)
 * synchronises with the stream before it copies, so every micro-batch's token ids (and the positions GPT builds on
 * the host) made the host wait for the previous micro-step to finish on the GPU. Here small arrays are copied into
 * one of {@link #SLOTS} slots of page-locked memory and uploaded with cuMemcpyHtoDAsync on the stream; an event
 * recorded after each copy says when its slot may be overwritten, which is checked (and waited for, counted as a
 * stall) only when the ring comes round to that slot again.
 */
final class UploadRing {
    static final int SLOTS = 16;
    static final int SLOT_BYTES = 256 << 10;

    private final CUstream stream;
    private final Pointer memory;
    private final Pointer[] slots = new Pointer[SLOTS];
    private final FloatBuffer[] floats = new FloatBuffer[SLOTS];
    private final IntBuffer[] ints = new IntBuffer[SLOTS];
    private final CUevent[] copied = new CUevent[SLOTS];
    private int next;
    private long stalls;

    UploadRing(CUstream stream) {
        this.stream = stream;
        this.memory = new Pointer();
        CudaErrors.check(cuMemAllocHost(memory, (long) SLOTS * SLOT_BYTES), "cuMemAllocHost(upload ring)", "");
        for (int s = 0; s < SLOTS; s++) {
            slots[s] = memory.withByteOffset((long) s * SLOT_BYTES);
            ByteBuffer bytes = memory.getByteBuffer((long) s * SLOT_BYTES, SLOT_BYTES).order(ByteOrder.nativeOrder());
            floats[s] = bytes.asFloatBuffer();
            ints[s] = bytes.asIntBuffer();
            copied[s] = new CUevent();
            CudaErrors.check(cuEventCreate(copied[s], CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate", "");
        }
    }

    /** Whether {@code bytes} fit a slot (larger uploads, such as initial weights, take the synchronous copy). */
    static boolean fits(long bytes) {
        return bytes <= SLOT_BYTES;
    }

    /** Queues the copy of {@code src} to device address {@code dst}; returns without waiting for the GPU. */
    synchronized void upload(long dst, float[] src) {
        int s = freeSlot();
        floats[s].clear();
        floats[s].put(src);
        copy(s, dst, 4L * src.length);
    }

    /** {@link #upload(long, float[])} for 32-bit integers. */
    synchronized void upload(long dst, int[] src) {
        int s = freeSlot();
        ints[s].clear();
        ints[s].put(src);
        copy(s, dst, 4L * src.length);
    }

    /** The next slot of the ring, once the GPU has copied what it last held (waiting for that is a stall). */
    private int freeSlot() {
        int s = next;
        next = (next + 1) % SLOTS;
        if (cuEventQuery(copied[s]) == CUresult.CUDA_ERROR_NOT_READY) {
            stalls++;
            CudaErrors.check(cuEventSynchronize(copied[s]), "cuEventSynchronize (upload ring)", "");
        }
        return s;
    }

    /** Queues the copy of slot {@code s}'s first {@code bytes} to {@code dst} and the event that marks it done. */
    private void copy(int s, long dst, long bytes) {
        CudaErrors.check(cuMemcpyHtoDAsync(DriverMemory.pointer(dst), slots[s], bytes, stream), "cuMemcpyHtoDAsync", "");
        CudaErrors.check(cuEventRecord(copied[s], stream), "cuEventRecord", "");
    }

    /** How often an upload had to wait for a slot (the ring went round faster than the GPU copied). */
    synchronized long stalls() {
        return stalls;
    }

    /** Frees the page-locked memory and the events; the stream must have finished. */
    void free() {
        for (CUevent e : copied) {
            cuEventDestroy(e);
        }
        CudaErrors.check(cuMemFreeHost(memory), "cuMemFreeHost", "");
    }
}
