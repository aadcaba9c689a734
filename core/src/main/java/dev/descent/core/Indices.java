package dev.descent.core;

/**
 * Integer data held in float tensors: token ids, class labels and targets are float32 tensors whose values are
 * integers, so every device keeps one dtype. Every integer up to 2^24 = 16,777,216 is exact in float32, far above
 * GPT-2's 50,257 token ids. This is where such a tensor's values become indices, each one checked.
 */
public final class Indices {
    private Indices() {
    }

    /**
     * {@code values} as ints, each an integer in {@code [0, bound)} or equal to {@code allowed} (e.g. an
     * ignoreIndex); otherwise an {@link IndexOutOfBoundsException} names the op, the value, its position and
     * {@code what} it indexes.
     */
    public static int[] of(String op, float[] values, int bound, int allowed, String what) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            int id = (int) values[i];
            if (id != values[i] || ((id < 0 || id >= bound) && id != allowed)) {
                String shown = id == values[i] ? Integer.toString(id) : Float.toString(values[i]);
                throw new IndexOutOfBoundsException(op + ": index " + shown + " at position " + i
                        + " is out of range for " + what);
            }
            out[i] = id;
        }
        return out;
    }
}
