package dev.descent.cuda.driver;

import dev.descent.cuda.CudaCallException;
import dev.descent.cuda.CudaUnavailableException;
import jcuda.driver.CUresult;

/** Turns CUresult codes into exceptions that name the call and the error. */
public final class CudaErrors {
    private CudaErrors() {
    }

    /** During start-up a failure means the backend cannot run here: {@link CudaUnavailableException}. */
    public static void startup(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaUnavailableException(describe(result, call));
        }
    }

    /** Afterwards a failure is a failed call: {@link CudaCallException}, with {@code context} appended. */
    public static void check(int result, String call, String context) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException(describe(result, call) + (context.isEmpty() ? "" : "; " + context));
        }
    }

    public static String describe(int result, String call) {
        String message = call + " failed: " + CUresult.stringFor(result);
        if (result == CUresult.CUDA_ERROR_NO_DEVICE) {
            message += " (the driver is installed but sees no GPU)";
        } else if (result == CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) {
            message += " (the driver library and the loaded kernel module differ in version: reboot after a driver "
                    + "update)";
        } else if (result == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            message += " (the PTX was written by a newer compiler than this driver understands: update the driver or "
                    + "compile with an older CUDA 12.x)";
        }
        return message;
    }
}
