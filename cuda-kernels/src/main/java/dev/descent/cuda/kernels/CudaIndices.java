package dev.descent.cuda.kernels;

import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;

/**
 * Integer ids held in float tensors, checked and converted on the device ({@code index_check} in embedding.cu). A bad
 * id is reported like the CPU backend does, at the host's next read of the device ({@link IdChecks}): checking costs
 * no synchronisation.
 */
public final class CudaIndices {
    private final CudaTensors tensors;
    private final IdChecks checks;

    public CudaIndices(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.checks = new IdChecks(tensors, stream);
    }

    /**
     * The error for a bad id, worded as the CPU backend words it: an integral value prints as an int
     * ({@code index 50257}), any other as a float ({@code index 2.5}).
     */
    static String message(String op, float value, int position, String what) {
        int id = (int) value;
        String shown = id == value ? Integer.toString(id) : Float.toString(value);
        return op + ": index " + shown + " at position " + position + " is out of range for " + what;
    }

    /** {@link #toInts(String, Tensor, int, int, boolean, String)} with no value allowed outside [0, bound). */
    public DeviceBuffer toInts(String op, Tensor ids, int bound, String what) {
        return toInts(op, ids, bound, 0, false, what);
    }

    /**
     * The ids as a device int buffer (owned by the caller): each an integer in [0, bound), or equal to {@code allowed}
     * when {@code hasAllowed} (an ignored target); a bad id becomes 0 here and an IndexOutOfBoundsException naming
     * the value, its position and {@code what} ("a vocabulary of size 50257") at the next read of the device.
     */
    public DeviceBuffer toInts(String op, Tensor ids, int bound, int allowed, boolean hasAllowed, String what) {
        int n = ids.numel();
        DeviceBuffer out = tensors.scratch(4L * n);
        try {
            checks.check(op, what, tensors.checked(ids), out, n, bound, allowed, hasAllowed);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
