package dev.descent.cuda.compile;

import java.util.List;

/** A kernel source did not compile; the message carries the compiler's log. */
public final class KernelCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KernelCompileException(String compiler, String file, List<String> defines, int arch, String log) {
        super(compiler + " could not compile " + file + (defines.isEmpty() ? "" : " with " + String.join(" ", defines))
                + " for compute_" + arch + ":\n" + log.strip());
    }
}
