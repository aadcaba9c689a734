package dev.descent.cuda.kernels;

import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;

/**
 * Integer ids held in float tensors, checked and converted on the device ({@code index_check} in embedding.cu).
 * A bad id is reported like the CPU backend does; finding out costs one 4-byte read back, i.e. one synchronisation
 * per embedding or cross-entropy call.
 */
public final class CudaIndices {
    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaIndices(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
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
     * when {@code hasAllowed} (an ignored target). Otherwise an IndexOutOfBoundsException naming the value, its
     * position and {@code what} ("a vocabulary of size 50257"), worded as the CPU backend words it.
     */
    public DeviceBuffer toInts(String op, Tensor ids, int bound, int allowed, boolean hasAllowed, String what) {
        int n = ids.numel();
        DeviceBuffer out = tensors.scratch(4L * n);
        DeviceBuffer err = tensors.scratch(4);
        boolean valid = false;
        try {
            stream.fillWords(err, Integer.MAX_VALUE, 1);
            if (n > 0) {
                stream.launch(Kernels.INDEX_CHECK, LaunchShape.strided(n, 256), n, bound, allowed, hasAllowed ? 1 : 0,
                        tensors.checked(ids),
                        out, err);
            }
            int bad = stream.downloadInts(err, 1)[0];
            if (bad != Integer.MAX_VALUE) {
                float value = stream.download(CudaTensors.bufferOf(ids), bad, 1)[0];
                throw new IndexOutOfBoundsException(message(op, value, bad, what));
            }
            valid = true;
            return out;
        } finally {
            err.release();
            if (!valid) {
                out.release();
            }
        }
    }
}
