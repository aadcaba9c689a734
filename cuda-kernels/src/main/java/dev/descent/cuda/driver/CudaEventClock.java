package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import dev.descent.core.profile.DeviceClock;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;

/**
 * The profiler's clock on the GPU: a mark is a CUDA event recorded on the backend's stream, and the time between two
 * marks is {@code cuEventElapsedTime} (resolution about 0.5 µs). Events are created on first use and reused once the
 * profile has read them. A kernel is timed from a mark placed just before its launch to one just after; when the
 * GPU had run out of work (the host is the bottleneck), that interval also holds the launch's latency.
 */
public final class CudaEventClock implements DeviceClock {
    private final CUstream stream;
    private final List<CUevent> events = new ArrayList<>();
    private int used;

    CudaEventClock(CUstream stream) {
        this.stream = stream;
    }

    @Override
    public synchronized long mark() {
        if (used == events.size()) {
            CUevent e = new CUevent();
            CudaErrors.check(cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate", "");
            events.add(e);
        }
        CudaErrors.check(cuEventRecord(events.get(used), stream), "cuEventRecord", "");
        return used++;
    }

    @Override
    public synchronized long nanosBetween(long from, long to) {
        CUevent end = events.get((int) to);
        CudaErrors.check(cuEventSynchronize(end), "cuEventSynchronize", "");
        float[] ms = new float[1];
        CudaErrors.check(cuEventElapsedTime(ms, events.get((int) from), end), "cuEventElapsedTime", "");
        return Math.round(ms[0] * 1e6);
    }

    @Override
    public synchronized void reset() {
        used = 0;
    }

    /** Destroys the events (the backend closes). */
    synchronized void close() {
        events.forEach(e -> cuEventDestroy(e));
        events.clear();
        used = 0;
    }
}
