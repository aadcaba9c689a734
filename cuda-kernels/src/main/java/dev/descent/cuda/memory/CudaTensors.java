package dev.descent.cuda.memory;

import dev.descent.core.Backend;
import dev.descent.core.MemoryScopes;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/**
 * Makes the tensors of one CUDA backend: device memory from its {@link CachingAllocator} in a {@link CudaStorage},
 * handed to the innermost open memory scope. Also checks that a tensor handed in lives on this backend. This is all
 * the kernel families need from the backend to allocate.
 */
public final class CudaTensors {
    private final Backend owner;
    private final CachingAllocator allocator;
    private final MemoryScopes scopes;

    /**
     * Tensors of {@code owner} (the backend their storage reports) in blocks from {@code allocator}, adopted by the
     * innermost scope of {@code scopes}.
     */
    public CudaTensors(Backend owner, CachingAllocator allocator, MemoryScopes scopes) {
        this.owner = owner;
        this.allocator = allocator;
        this.scopes = scopes;
    }

    /** A new tensor of {@code shape} with undefined contents, adopted by the innermost open scope. */
    public Tensor empty(Shape shape) {
        int n = shape.numel();
        DeviceBuffer buffer = allocator.allocate(4L * n);
        CudaStorage storage = new CudaStorage(owner, buffer, n);
        scopes.adopt(storage);
        return Tensor.wrap(storage, shape);
    }

    /** A device buffer for temporaries; the caller releases it. */
    public DeviceBuffer scratch(long bytes) {
        return allocator.allocate(bytes);
    }

    /** {@code t}, after checking that it lives on this backend (the error names where it lives instead). */
    public Tensor checked(Tensor t) {
        if (t.backend() != owner) {
            throw new IllegalArgumentException("the " + owner.name() + " backend was handed a tensor on "
                    + t.backend().name() + "; move it with tensor.to(backend)");
        }
        return t;
    }

    /** The device address behind a kernel's pointer argument: a buffer, a CUDA tensor, or null (address 0). */
    public static long address(Object bufferOrTensor) {
        if (bufferOrTensor == null) {
            return 0;
        }
        if (bufferOrTensor instanceof DeviceBuffer b) {
            return b.address();
        }
        return bufferOf((Tensor) bufferOrTensor).address();
    }

    /** The device buffer behind a CUDA tensor. */
    public static DeviceBuffer bufferOf(Tensor t) {
        return ((CudaStorage) t.storage()).buffer();
    }
}
