package dev.descent.cuda.kernels;

import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Id checks that cost no synchronisation. Each check kernel gets a slot of a small device buffer and records there
 * the first bad id it finds (position and value, see {@code index_check}); nothing is read back at the call. The
 * slots are read at the host's next read of the device (a tensor's values, or {@code synchronize()}), and the first
 * bad id of the oldest failed check is thrown then as an {@link IndexOutOfBoundsException} worded as the CPU
 * backend words it. With {@code syncEveryLaunch} every launch is followed by a read, so the error comes from the
 * call that made it, as on the CPU.
 */
final class IdChecks {
    /** Checks between two reads before the host reads anyway to free the slots (a micro-step makes about five). */
    static final int SLOTS = 1024;
    private static final int CLEAN = -1;

    private record Pending(String op, String what) {
    }

    private final CudaTensors tensors;
    private final KernelStream stream;
    private final List<Pending> pending = new ArrayList<>();
    private DeviceBuffer status;                                 // made at the first check: 8 KiB, kept for good
    private boolean reading;

    IdChecks(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
        stream.addReadCheck(this::verify);
    }

    /** Queues the check of {@code ids} (a (n) float tensor) into the int buffer {@code out}; see index_check. */
    void check(String op, String what, Object ids, DeviceBuffer out, int n, int bound, int allowed, boolean hasAllowed) {
        if (n == 0) {
            return;
        }
        int slot;
        synchronized (this) {
            if (status == null) {
                status = tensors.scratch(8L * SLOTS);
                stream.fillWords(status, CLEAN, 2L * SLOTS);
            }
            if (pending.size() == SLOTS) {
                verify();
            }
            slot = pending.size();
            pending.add(new Pending(op, what));
        }
        stream.launch(Kernels.INDEX_CHECK, LaunchShape.strided(n, 256), n, bound, allowed, hasAllowed ? 1 : 0, ids, out,
                status, slot);
    }

    /** Reads the used slots; throws the first bad id's error. Runs at every read of the device (after the sync). */
    synchronized void verify() {
        if (pending.isEmpty() || reading) {
            return;
        }
        reading = true;
        try {
            int used = pending.size();
            int[] words = stream.downloadInts(status, 2 * used);
            List<Pending> checks = List.copyOf(pending);
            pending.clear();
            stream.fillWords(status, CLEAN, 2L * used);
            for (int slot = 0; slot < used; slot++) {
                int valueBits = words[2 * slot];                  // little-endian: the low word (the value) first
                int position = words[2 * slot + 1];
                if (position != CLEAN) {
                    Pending c = checks.get(slot);
                    throw new IndexOutOfBoundsException(CudaIndices.message(c.op(), Float.intBitsToFloat(valueBits),
                            position, c.what()));
                }
            }
        } finally {
            reading = false;
        }
    }
}
