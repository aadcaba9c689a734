package dev.descent.cuda;

/** A CUDA driver or library call failed; the message names the call, the error and (for kernels) the launch shape. */
public final class CudaCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaCallException(String message) {
        super(message);
    }
}
