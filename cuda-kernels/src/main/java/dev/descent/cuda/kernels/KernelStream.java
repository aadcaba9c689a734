package dev.descent.cuda.kernels;

import dev.descent.cuda.memory.DeviceBuffer;
import java.util.List;

/**
 * The queue a kernel family puts its work on: kernel launches (checked against their {@link KernelSpec}), word
 * fills and small uploads, run on the device in the order they were queued. This, and {@link dev.descent.cuda.memory.CudaTensors}
 * for memory, is all a family needs from the backend.
 */
public interface KernelStream {
    /** Queues {@code spec} compiled with the {@code -D} {@code defines}; arguments as {@link KernelSpec#checkArgs}. */
    void launch(KernelSpec spec, List<String> defines, LaunchShape shape, Object... args);

    /** {@link #launch(KernelSpec, List, LaunchShape, Object...)} without macros. */
    default void launch(KernelSpec spec, LaunchShape shape, Object... args) {
        launch(spec, List.of(), shape, args);
    }

    /**
     * Queues copying {@code src} from the host to the start of {@code dst}: a table a kernel reads. The host waits
     * for the GPU only when it is too large for a page-locked staging slot (256 KiB).
     */
    void uploadInts(DeviceBuffer dst, int[] src);

    /** Queues setting {@code count} 32-bit words of {@code dst} to {@code value}. */
    void fillWords(DeviceBuffer dst, int value, long count);

    /**
     * Runs {@code check} whenever the host reads device memory, after the queued work has finished: how a kernel's
     * finding (a bad id) is reported without a synchronisation of its own.
     */
    void addReadCheck(Runnable check);

    /** {@code count} floats from element {@code offset} of {@code src}, after all queued work (synchronises). */
    float[] download(DeviceBuffer src, long offset, int count);

    /** {@code count} ints from the start of {@code src}, after all queued work (synchronises). */
    int[] downloadInts(DeviceBuffer src, int count);
}
