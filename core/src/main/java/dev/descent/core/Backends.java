package dev.descent.core;

import dev.descent.core.cpu.CpuBackend;

/** Where new tensors are made when no backend is named: the CPU reference unless a program chooses another. */
public final class Backends {
    private static volatile Backend defaultBackend = CpuBackend.INSTANCE;

    private Backends() {
    }

    /** The CPU reference backend. */
    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /** The backend the {@link Tensor} factories use. */
    public static Backend defaultBackend() {
        return defaultBackend;
    }

    /** Makes {@code backend} the one the {@link Tensor} factories use (e.g. the CUDA backend for training). */
    public static void setDefault(Backend backend) {
        defaultBackend = java.util.Objects.requireNonNull(backend, "backend");
    }
}
