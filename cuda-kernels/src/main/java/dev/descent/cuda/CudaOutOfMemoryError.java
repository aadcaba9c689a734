package dev.descent.cuda;

/** Device memory ran out (or the configured cap was reached); the message says what was asked, what is held, and what to change. */
public final class CudaOutOfMemoryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaOutOfMemoryError(String message) {
        super(message);
    }
}
