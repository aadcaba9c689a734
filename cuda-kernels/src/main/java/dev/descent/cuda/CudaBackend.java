package dev.descent.cuda;

import dev.descent.core.AdamStep;
import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.MemoryScopes;
import dev.descent.core.MemoryUsage;
import dev.descent.core.ReduceOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.cuda.compile.CompilerChoice;
import dev.descent.cuda.compile.PtxBuilder;
import dev.descent.cuda.compile.PtxCache;
import dev.descent.cuda.driver.CudaDevice;
import dev.descent.cuda.driver.DeviceInfo;
import dev.descent.cuda.kernels.CudaAttention;
import dev.descent.cuda.kernels.CudaCrossEntropy;
import dev.descent.cuda.kernels.CudaElementwise;
import dev.descent.cuda.kernels.CudaEmbedding;
import dev.descent.cuda.kernels.CudaIndices;
import dev.descent.cuda.kernels.CudaLayerNorm;
import dev.descent.cuda.kernels.CudaLayout;
import dev.descent.cuda.kernels.CudaOptimKernels;
import dev.descent.cuda.kernels.CudaReduce;
import dev.descent.cuda.kernels.CudaSoftmax;
import dev.descent.cuda.kernels.SoftmaxVersion;
import dev.descent.cuda.kernels.matmul.CublasMatmul;
import dev.descent.cuda.kernels.matmul.CudaMatmul;
import dev.descent.cuda.kernels.matmul.MatmulEngine;
import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.CudaStorage;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.MemoryStats;
import java.util.List;

/**
 * The CUDA backend: tensors live in device memory, every primitive runs as kernels on one stream, and data crosses
 * to the host only in {@link #fromArray} and {@link #toArray} (plus a 4-byte status read when ids are checked).
 *
 * <p>Memory: a {@link CachingAllocator} (optionally capped) hands out blocks through {@link CudaTensors};
 * {@link #scope()} releases a step's temporaries deterministically. A tensor that is never released is returned to
 * the cache when the garbage collector finds it unreachable, a safety net rather than the plan.
 *
 * <p>Random numbers: {@link #randn} and {@link #rand} draw on the host from the same {@link Rng} stream as the CPU
 * backend and upload the result, so a seeded model starts from identical weights on either backend (at the cost of
 * one host-to-device copy, which initialisation and dropout masks can afford).
 *
 * <p>Kernels are compiled at run time for the present GPU (see {@link CompilerChoice}) and cached on disk.
 *
 * <p>This class is the composition root of the module: it opens the {@link CudaDevice}, makes the
 * {@link CudaTensors} factory and hands both (as allocator and {@link dev.descent.cuda.kernels.KernelStream}) to
 * the kernel families, which never see the backend itself.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final CudaOptions options;
    private final CudaDevice device;
    private final CudaTensors tensors;
    private final CudaElementwise elementwise;
    private final CudaLayout layout;
    private final CudaReduce reduce;
    private final CudaSoftmax softmax;
    private final CudaLayerNorm layerNorm;
    private final CudaEmbedding embedding;
    private final CudaCrossEntropy crossEntropy;
    private final CudaMatmul matmul;
    private final MemoryScopes scopes = new MemoryScopes();
    private final CudaAttention attention;
    private final CudaOptimKernels optimKernels;

    private CudaBackend(CudaOptions options, CudaDevice device) {
        this.options = options;
        this.device = device;
        this.tensors = new CudaTensors(this, device.allocator(), scopes);
        this.elementwise = new CudaElementwise(tensors, device);
        this.layout = new CudaLayout(tensors, device);
        this.reduce = new CudaReduce(tensors, device);
        this.softmax = new CudaSoftmax(tensors, device);
        this.layerNorm = new CudaLayerNorm(tensors, device);
        CudaIndices indices = new CudaIndices(tensors, device);
        this.embedding = new CudaEmbedding(tensors, device, indices);
        this.crossEntropy = new CudaCrossEntropy(tensors, device, indices);
        this.matmul = new CudaMatmul(tensors, device, layout, device.info().multiprocessors(),
                () -> CublasMatmul.create(device));
        this.attention = new CudaAttention(tensors, device, options.attention());
        this.optimKernels = new CudaOptimKernels(tensors, device);
    }

    /** Starts the backend on the device {@code options} name; {@link CudaUnavailableException} says what is missing. */
    public static CudaBackend create(CudaOptions options) {
        DeviceInfo info = DeviceInfo.query(options.device());
        PtxCache cache = options.ptxCacheDir() == null ? PtxCache.defaultCache() : new PtxCache(options.ptxCacheDir());
        PtxBuilder kernels = new PtxBuilder(CompilerChoice.forDevice(info.arch()), cache);
        return new CudaBackend(options, CudaDevice.open(info, kernels, options.vramLimitBytes(),
                options.syncEveryLaunch()));
    }

    /** {@link #create(CudaOptions)} with {@link CudaOptions#defaults()}. */
    public static CudaBackend create() {
        return create(CudaOptions.defaults());
    }

    /** The backend a CUDA tensor lives on. */
    public static CudaBackend of(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s)) {
            throw new IllegalArgumentException("expected a tensor on a CUDA backend, got one on " + t.backend().name());
        }
        return (CudaBackend) s.backend();
    }

    public CudaOptions options() {
        return options;
    }

    public DeviceInfo deviceInfo() {
        return device.info();
    }

    /** Opens a scope that releases the device memory of every tensor made inside it, except those kept. */
    @Override
    public MemoryScope scope() {
        return scopes.open();
    }

    @Override
    public MemoryUsage memory() {
        MemoryStats s = device.allocator().stats();
        return new MemoryUsage(s.liveBytes(), s.peakLiveBytes());
    }

    @Override
    public void resetPeakMemory() {
        device.allocator().resetPeak();
    }

    public MemoryStats memoryStats() {
        return device.allocator().stats();
    }

    /** Returns cached (free) blocks to the device. */
    public void emptyCache() {
        device.allocator().emptyCache();
    }

    /** Waits until every queued kernel and copy has finished. */
    public void synchronize() {
        device.synchronize();
    }

    /** The device: its stream, copies and kernel launches (for benchmarks and tests that launch kernels directly). */
    public CudaDevice device() {
        return device;
    }

    /** The matmul engines, with their tile configurations and cuBLAS (for benchmarks and tests). */
    public CudaMatmul matmuls() {
        return matmul;
    }

    /** The attention kernels, with their versions (for benchmarks and tests). */
    public CudaAttention attentions() {
        return attention;
    }

    /** The fused optimizer updates and the gradient-norm reduction on this device (also behind {@link #adamStep}). */
    public CudaOptimKernels optimKernels() {
        return optimKernels;
    }

    // ---------------------------------------------------------------- Backend

    @Override
    public String name() {
        return "cuda:" + device.info().ordinal();
    }

    @Override
    public Tensor fromArray(float[] data, Shape shape) {
        Tensor t = tensors.empty(shape);
        device.upload(CudaTensors.bufferOf(t), data);
        return t;
    }

    @Override
    public float[] toArray(Tensor x) {
        return device.download(CudaTensors.bufferOf(tensors.checked(x)), 0, x.numel());
    }

    @Override
    public Tensor full(Shape shape, float value) {
        return elementwise.fill(shape, value);
    }

    /** Drawn on the host by the CPU backend from the same stream, then uploaded: identical numbers (see class doc). */
    @Override
    public Tensor randn(Shape shape, Rng rng) {
        return fromArray(Backends.cpu().randn(shape, rng).toArray(), shape);
    }

    /** Drawn on the host like {@link #randn}. */
    @Override
    public Tensor rand(Shape shape, Rng rng) {
        return fromArray(Backends.cpu().rand(shape, rng).toArray(), shape);
    }

    @Override
    public void copyInto(Tensor dst, Tensor src) {
        device.copy(CudaTensors.bufferOf(tensors.checked(dst)), CudaTensors.bufferOf(tensors.checked(src)),
                4L * src.numel());
    }

    @Override
    public void addInto(Tensor dst, Tensor src) {
        elementwise.addInto(dst, src);
    }

    @Override
    public void scaleInPlace(Tensor x, float s) {
        elementwise.scale(x, s);
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return elementwise.unary(op, x);
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return elementwise.binary(op, a, b);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        return elementwise.binaryScalar(op, a, s);
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        return elementwise.where(cond, a, b);
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        return reduce.reduce(op, x, axis);
    }

    @Override
    public Tensor broadcastTo(Tensor x, Shape shape) {
        return layout.broadcastTo(x, shape);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return matmul.matmul(options.matmul(), a, b, transA, transB);
    }

    @Override
    public Tensor permute(Tensor x, int[] axes) {
        return layout.permute(x, axes);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        return layout.slice(x, axis, start, end);
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        return layout.concat(xs, axis);
    }

    @Override
    public Tensor softmax(Tensor x, boolean log) {
        return softmax.forward(options.softmax(), x, log);
    }

    /** Softmax with a chosen kernel version (for tests and benchmarks). */
    public Tensor softmax(SoftmaxVersion version, Tensor x, boolean log) {
        return softmax.forward(version, x, log);
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor g, boolean log) {
        return softmax.backward(y, g, log);
    }

    @Override
    public LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return layerNorm.forward(x, gamma, beta, eps);
    }

    @Override
    public LayerNormGrads layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        return layerNorm.backward(dy, x, gamma, mean, rstd);
    }

    @Override
    public ResidualLayerNormResult residualLayerNorm(Tensor x, Tensor a, Tensor gamma, Tensor beta, float eps) {
        return layerNorm.residualForward(x, a, gamma, beta, eps);
    }

    @Override
    public LayerNormGrads layerNormBackwardInto(Tensor dx, Tensor dy, Tensor x, Tensor gamma, Tensor mean,
                                                Tensor rstd) {
        return layerNorm.backwardInto(dx, dy, x, gamma, mean, rstd);
    }

    @Override
    public Tensor biasGelu(Tensor h, Tensor bias) {
        return elementwise.biasGelu(h, bias);
    }

    @Override
    public Tensor biasGeluBackward(Tensor dy, Tensor h, Tensor bias) {
        return elementwise.biasGeluBackward(dy, h, bias);
    }

    @Override
    public AttentionResult attention(Tensor qkv, int heads) {
        return attention.forward(qkv, heads);
    }

    @Override
    public Tensor attentionBackward(Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        return attention.backward(dout, qkv, out, lse, heads);
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        return embedding.forward(table, ids);
    }

    @Override
    public Tensor embeddingBackward(Tensor g, Tensor ids, int vocab) {
        return embedding.backward(g, ids, vocab);
    }

    @Override
    public Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing) {
        return crossEntropy.forward(logits, targets, ignoreIndex, labelSmoothing);
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex,
                                       float labelSmoothing) {
        return crossEntropy.backward(logits, targets, rowGrad, ignoreIndex, labelSmoothing);
    }

    @Override
    public Tensor crossEntropyInPlace(Tensor logits, Tensor targets, int ignoreIndex) {
        return crossEntropy.inPlace(logits, targets, ignoreIndex);
    }

    @Override
    public Tensor adamStep(AdamStep step, List<AdamStep.Param> params) {
        return optimKernels.adamStep(step, params);
    }

    @Override
    public Tensor sumOfSquares(List<Tensor> xs) {
        return optimKernels.sumOfSquares(xs);
    }

    /** Matrix product with a chosen engine (for tests and benchmarks); otherwise like {@link #matmul}. */
    public Tensor matmul(MatmulEngine engine, Tensor a, Tensor b, boolean transA, boolean transB) {
        return matmul.matmul(engine, a, b, transA, transB);
    }

    /** Waits for the GPU, frees cached memory, destroys the cuBLAS handle and stream, and releases the context. */
    @Override
    public void close() {
        matmul.close();
        device.close();
    }
}
