package dev.descent.optim;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.MemoryScopes;
import dev.descent.core.MemoryUsage;
import dev.descent.core.ReduceOp;
import dev.descent.core.Shape;
import dev.descent.core.Storage;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import java.util.List;

/**
 * A stand-in for a device backend in tests: its tensors are not CPU tensors (the CPU backend refuses them and
 * ops refuse to mix them with CPU tensors), it implements only the primitives of {@link Backend}, by delegating to
 * the CPU reference (every other method runs as the interface's default), and it counts device-to-host reads. Code
 * that runs on it unchanged, with no reads, runs on any backend.
 */
final class MirrorBackend implements Backend {
    private final Backend cpu = Backends.cpu();
    private final MemoryScopes scopes = new MemoryScopes();
    private int hostReads;

    /** The memory of a mirror tensor: CPU memory only the mirror unwraps (views such as reshape share it). */
    private record MirrorStorage(Storage inner, MirrorBackend backend) implements Storage {
        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public void release() {
            inner.release();
        }
    }

    /** Number of {@link #toArray} calls so far. */
    int hostReads() {
        return hostReads;
    }

    private Tensor in(Tensor t) {
        if (!(t.storage() instanceof MirrorStorage s) || s.backend() != this) {
            throw new IllegalArgumentException("mirror backend was handed a tensor on " + t.backend().name());
        }
        return Tensor.wrap(s.inner(), t.shape());
    }

    private Tensor out(Tensor cpuTensor) {
        MirrorStorage storage = new MirrorStorage(cpuTensor.storage(), this);
        scopes.adopt(storage);
        return Tensor.wrap(storage, cpuTensor.shape());
    }

    @Override
    public String name() {
        return "mirror";
    }

    @Override
    public Tensor fromArray(float[] data, Shape shape) {
        return out(cpu.fromArray(data, shape));
    }

    @Override
    public float[] toArray(Tensor x) {
        hostReads++;
        return cpu.toArray(in(x));
    }

    @Override
    public Tensor full(Shape shape, float value) {
        return out(cpu.full(shape, value));
    }

    @Override
    public void copyInto(Tensor dst, Tensor src) {
        cpu.copyInto(in(dst), in(src));
    }

    @Override
    public MemoryScope scope() {
        return scopes.open();
    }

    @Override
    public MemoryUsage memory() {
        return cpu.memory();
    }

    @Override
    public void resetPeakMemory() {
        cpu.resetPeakMemory();
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return out(cpu.unary(op, in(x)));
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return out(cpu.binary(op, in(a), in(b)));
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        return out(cpu.where(in(cond), in(a), in(b)));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        return out(cpu.reduce(op, in(x), axis));
    }

    @Override
    public Tensor broadcastTo(Tensor x, Shape shape) {
        return out(cpu.broadcastTo(in(x), shape));
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return out(cpu.matmul(in(a), in(b), transA, transB));
    }

    @Override
    public Tensor permute(Tensor x, int[] axes) {
        return out(cpu.permute(in(x), axes));
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return out(cpu.slice(in(x), axis, start, end));
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        return out(cpu.concat(xs.stream().map(this::in).toList(), axis));
    }
}
