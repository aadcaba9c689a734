package dev.descent.cuda.kernels;

import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaStorage;
import dev.descent.cuda.memory.DeviceBuffer;

/**
 * A kernel entry point: the {@code .cu} file that defines it, its {@code extern "C"} name, and its parameters as
 * one letter each: {@code i} int, {@code f} float, {@code p} device pointer, {@code s} a {@link StridedLayout}
 * passed by value. Every launch is checked against it, and a CPU test checks it against the PTX that nvcc emits,
 * so a Java call and its kernel cannot drift apart unnoticed.
 */
public record KernelSpec(String file, String name, String params) {

    public KernelSpec {
        if (!params.matches("[ifps]*")) {
            throw new IllegalArgumentException("kernel " + name + ": parameter letters must be i, f, p or s, got " + params);
        }
    }

    /**
     * Checks a launch's arguments against the parameter letters: {@code i} takes an Integer, {@code f} a Float,
     * {@code p} a {@link DeviceBuffer}, a CUDA {@link Tensor} or null, {@code s} a {@link StridedLayout}.
     */
    public void checkArgs(Object[] args) {
        if (args.length != params.length()) {
            throw new IllegalArgumentException("kernel " + name + " takes " + params.length() + " arguments ("
                    + params + "), got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            boolean ok;
            switch (params.charAt(i)) {
                case 'i':
                    ok = a instanceof Integer;
                    break;
                case 'f':
                    ok = a instanceof Float;
                    break;
                case 'p':
                    ok = a == null || a instanceof DeviceBuffer
                            || (a instanceof Tensor t && t.storage() instanceof CudaStorage);
                    break;
                default:
                    ok = a instanceof StridedLayout;
                    break;
            }
            if (!ok) {
                throw new IllegalArgumentException("kernel " + name + ": argument " + i + " must be '"
                        + params.charAt(i) + "' (" + params + "), got " + describe(a));
            }
        }
    }

    private static String describe(Object a) {
        if (a instanceof Tensor t) {
            return "a tensor on " + t.backend().name();
        }
        return a == null ? "null" : a.getClass().getSimpleName() + " " + a;
    }
}
