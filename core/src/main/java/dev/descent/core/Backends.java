package dev.descent.core;

import dev.descent.core.cpu.CpuBackend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/** Where new tensors are made when no backend is named: the CPU reference unless a program chooses another. */
public final class Backends {
    private static volatile Backend defaultBackend = CpuBackend.INSTANCE;

    private Backends() {
    }

    /** The CPU reference backend. */
    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /**
     * {@code backend}'s primitives, with every other method of {@link Backend} running as its composed default (the
     * oracle of the backend's fused overrides), for tests and benchmarks that compare the two.
     */
    public static Backend primitivesOnly(Backend backend) {
        InvocationHandler handler = (proxy, method, args) -> method.isDefault()
                ? InvocationHandler.invokeDefault(proxy, method, args)
                : method.invoke(backend, args);
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, handler);
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
