package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.Functional;
import dev.descent.core.MemoryScope;
import dev.descent.core.ReduceOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.core.profile.Counter;
import dev.descent.core.profile.HeapAllocation;
import dev.descent.core.profile.Profile;
import dev.descent.core.profile.Profiler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's reuse of released arrays ({@link CpuMemory}, {@link ArrayPool}): a released array serves the
 * next tensor of its length, zero-filled; it never serves two live tensors; the pool stays within the ledger's
 * high-water mark; training gives the same bits whatever the pool held; and a training step after the first
 * makes no new array (the profiler's allocator misses). And what is left of the heap a step allocates, once the
 * JIT has compiled it, is small: the kernels keep their buffers per thread instead of making them per call. Each case
 * runs on a thread of its own, whose pool starts empty.
 *
 * <p>The heap cases measure with {@link HeapAllocation} (all threads: Parallel's workers run the kernels
 * too) and keep going while the least seen is above their bound, for up to {@link #WARM_UP_NANOS}: until the JIT has
 * compiled a Vector API kernel, its vectors are Java objects (hundreds of MB in a small GPT's first step), and on a
 * loaded 2-core machine that can take hundreds of steps. A kernel or step that makes garbage on every call never
 * gets under its bound and fails when the time is up.
 */
class ArrayReuseTest {
    private static final Backend CPU = Backends.cpu();
    private static final long WARM_UP_NANOS = 60_000_000_000L;
    /**
     * Most heap bytes a warm kernel call of {@link #warmKernelsMakeNoBuffersPerCall} may allocate: measured 1 to 2 KiB
     * (the parallel loop's task objects, the tensors' small objects); attention's buffers were 134 KiB a forward
     * call at these shapes, the layer-norm backward's partial sums 96 KiB a call, the sum over rows its accumulators
     * (32 KiB a call at width 4096).
     */
    private static final long KERNEL_CALL_BOUND = 16 << 10;
    /** Calls of the edge-block matmul before its heap is measured: C2's final code for it came within 2,000. */
    private static final int MATMUL_WARM_CALLS = 10_000;

    /** {@code body}'s result, computed on a new thread: a fresh ledger and an empty pool. */
    private static <T> T onFreshThread(Supplier<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(body.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        return result.get();
    }

    @Test
    void aReleasedArrayServesTheNextTensorOfItsLengthZeroFilled() {
        onFreshThread(() -> {
            float[] released;
            try (MemoryScope scope = CPU.scope()) {
                released = CpuBackend.data(Tensor.ones(4, 25));
            }
            assertThat(CpuMemory.pooledBytes()).isEqualTo(400);
            Tensor next = Tensor.zeros(100);
            assertThat(CpuBackend.data(next)).isSameAs(released).containsOnly(0f);
            assertThat(CpuMemory.pooledBytes()).isZero();
            Tensor otherLength = Tensor.zeros(99);
            assertThat(CpuBackend.data(otherLength)).isNotSameAs(released);
            return null;
        });
    }

    /** A tensor of {@code shape} whose storage is full of NaN, released into this thread's pool. */
    private static float[] releasedNaNs(int... shape) {
        try (MemoryScope scope = CPU.scope()) {
            float[] nan = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            Arrays.fill(nan, Float.NaN);
            return CpuBackend.data(Tensor.fromArray(nan, shape));
        }
    }

    @Test
    void kernelsThatOverwriteTheirOutputTakeAReleasedArrayAsItWasAndGiveTheSameValues() {
        onFreshThread(() -> {
            Rng rng = new Rng(3);
            Tensor x = Tensor.randn(rng, 7, 33);
            Tensor gamma = Tensor.randn(rng, 33);
            Tensor beta = Tensor.randn(rng, 33);
            float[] softmax = CpuBackend.data(CPU.softmax(x, false)).clone();
            float[] gelu = CpuBackend.data(CPU.unary(UnaryOp.GELU_TANH, x)).clone();
            float[] exp = CpuBackend.data(CPU.unary(UnaryOp.EXP, x)).clone();
            Tensor left = Tensor.randn(rng, 7, 300);
            Tensor right = Tensor.randn(rng, 300, 33);
            float[] product = CpuBackend.data(CPU.matmul(left, right, false, false)).clone();
            float[] biasGelu = CpuBackend.data(CPU.biasGelu(x, gamma)).clone();
            float[] biasGeluGrad = CpuBackend.data(CPU.biasGeluBackward(x, x, gamma)).clone();
            Backend.LayerNormResult ln = CPU.layerNorm(x, gamma, beta, 1e-5f);
            float[] y = CpuBackend.data(ln.y()).clone();
            float[] rstd = CpuBackend.data(ln.rstd()).clone();

            float[] stale = releasedNaNs(7, 33);
            assertThat(CpuBackend.data(CPU.softmax(x, false))).isSameAs(stale).containsExactly(softmax);
            stale = releasedNaNs(7, 33);
            assertThat(CpuBackend.data(CPU.unary(UnaryOp.GELU_TANH, x))).isSameAs(stale).containsExactly(gelu);
            stale = releasedNaNs(7, 33);
            assertThat(CpuBackend.data(CPU.unary(UnaryOp.EXP, x))).isSameAs(stale).containsExactly(exp);
            stale = releasedNaNs(7, 33);
            // K = 300: two K steps of the packed matmul, the first storing, the second adding; edge rows and columns
            assertThat(CpuBackend.data(CPU.matmul(left, right, false, false))).isSameAs(stale).containsExactly(product);
            stale = releasedNaNs(7, 33);
            Tensor noColumns = Tensor.zeros(7, 0);
            Tensor noRows = Tensor.zeros(0, 33);
            assertThat(CpuBackend.data(CPU.matmul(noColumns, noRows, false, false))).isSameAs(stale)
                    .containsOnly(0f);
            stale = releasedNaNs(7, 33);
            assertThat(CpuBackend.data(CPU.biasGelu(x, gamma))).isSameAs(stale).containsExactly(biasGelu);
            stale = releasedNaNs(7, 33);
            assertThat(CpuBackend.data(CPU.biasGeluBackward(x, x, gamma))).isSameAs(stale)
                    .containsExactly(biasGeluGrad);
            stale = releasedNaNs(7, 33);
            float[] staleRows = releasedNaNs(7);
            Backend.LayerNormResult again = CPU.layerNorm(x, gamma, beta, 1e-5f);
            assertThat(CpuBackend.data(again.y())).isSameAs(stale).containsExactly(y);
            assertThat(CpuBackend.data(again.mean())).isSameAs(staleRows);
            assertThat(CpuBackend.data(again.rstd())).containsExactly(rstd);
            return null;
        });
    }

    /**
     * The rest of the kernels that write every element of their outputs: each gives the values it gives in a new
     * array when its output is a released array full of NaN, and that array is the one it used.
     */
    @Test
    void everyKernelThatOverwritesItsOutputWritesAllOfIt() {
        onFreshThread(() -> {
            Rng rng = new Rng(5);
            Tensor x = Tensor.randn(rng, 6, 35);
            Tensor other = Tensor.randn(rng, 6, 35);
            Tensor row = Tensor.randn(rng, 35);
            Tensor positive = CPU.binaryScalar(BinaryOp.GT, x, 0f);
            overwrites("binary", () -> CPU.binary(BinaryOp.MUL, x, other));
            overwrites("binary, broadcast", () -> CPU.binary(BinaryOp.ADD, x, row));
            overwrites("where", () -> CPU.where(positive, x, row));
            overwrites("broadcastTo", () -> CPU.broadcastTo(row, Shape.of(4, 6, 35)));
            overwrites("sum over rows", () -> CPU.reduce(ReduceOp.SUM, x, 0));
            overwrites("max along rows", () -> CPU.reduce(ReduceOp.MAX, x, 1));
            Tensor cube = Tensor.randn(rng, 2, 3, 35);
            overwrites("permute", () -> CPU.permute(cube, new int[] {2, 0, 1}));
            overwrites("slice", () -> CPU.slice(x, 1, 3, 20));
            overwrites("concat", () -> CPU.concat(List.of(x, other, x), 0));
            overwrites("residual sum", () -> CPU.residualLayerNorm(x, other, row, row, 1e-5f).sum());

            Tensor y = CPU.softmax(x, false);
            Tensor logY = CPU.softmax(x, true);
            overwrites("softmax backward", () -> CPU.softmaxBackward(y, other, false));
            overwrites("log-softmax backward", () -> CPU.softmaxBackward(logY, other, true));
            Tensor targets = Tensor.fromArray(new float[] {3, 0, 34, -100, 7, 12}, 6);
            Tensor rowGrad = Tensor.randn(rng, 6);
            overwrites("cross-entropy backward", () -> CPU.crossEntropyBackward(x, targets, rowGrad, -100, 0.1f));
            overwrites("embedding", () -> CPU.embedding(x, Tensor.fromArray(new float[] {5, 0, 5, 2}, 4)));
            Tensor fewRows = Tensor.randn(rng, 3, 35);
            Tensor weight = Tensor.randn(rng, 9, 35);
            overwrites("a few rows times a transposed weight", () -> CPU.matmul(fewRows, weight, false, true));

            Tensor qkv = Tensor.randn(rng, 2, 5, 3 * 8);
            overwrites("attention", () -> CPU.attention(qkv, 2).out());
            overwrites("attention's log-sum-exps", () -> CPU.attention(qkv, 2).lse());

            Backend.LayerNormResult ln = CPU.layerNorm(x, row, row, 1e-5f);
            overwrites("layer norm backward, dx", () -> CPU.layerNormBackward(other, x, row, ln.mean(), ln.rstd())
                    .dx());
            Backend.LayerNormGrads fresh = CPU.layerNormBackward(other, x, row, ln.mean(), ln.rstd());
            float[] staleGamma;
            float[] staleBeta;
            try (MemoryScope scope = CPU.scope()) {
                // both made before either is released: the second would otherwise take the first's array
                staleGamma = CpuBackend.data(CPU.full(Shape.of(35), Float.NaN));
                staleBeta = CpuBackend.data(CPU.full(Shape.of(35), Float.NaN));
            }
            Backend.LayerNormGrads again = CPU.layerNormBackward(other, x, row, ln.mean(), ln.rstd());
            float[] dgamma = CpuBackend.data(again.dgamma());
            float[] dbeta = CpuBackend.data(again.dbeta());
            assertThat(dgamma == staleGamma && dbeta == staleBeta || dgamma == staleBeta && dbeta == staleGamma)
                    .as("dγ and dβ in the released arrays").isTrue();
            assertThat(dgamma).containsExactly(CpuBackend.data(fresh.dgamma()));
            assertThat(dbeta).containsExactly(CpuBackend.data(fresh.dbeta()));
            return null;
        });
    }

    /** The op's output in a new array, then in a released array full of NaN: the same values, in that array. */
    private static void overwrites(String name, Supplier<Tensor> op) {
        float[] fresh = CpuBackend.data(op.get()).clone();
        float[] stale = releasedNaNs(fresh.length);
        assertThat(CpuBackend.data(op.get())).as(name).isSameAs(stale).containsExactly(fresh);
    }

    @Test
    void aReusedArrayNeverBelongsToTwoLiveTensors() {
        onFreshThread(() -> {
            Rng rng = new Rng(12);
            int[] lengths = {1, 7, 33, 1000};
            List<Tensor> live = new ArrayList<>();
            List<Float> values = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                if (live.isEmpty() || rng.nextFloat() < 0.55f) {
                    float value = i + 1;
                    live.add(Tensor.full(value, lengths[(int) (rng.nextFloat() * lengths.length)]));
                    values.add(value);
                } else {
                    int gone = (int) (rng.nextFloat() * live.size());
                    live.remove(gone).storage().release();
                    values.remove(gone);
                }
                Set<float[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
                for (int k = 0; k < live.size(); k++) {
                    float[] data = CpuBackend.data(live.get(k));
                    assertThat(arrays.add(data)).as("an array serves one live tensor").isTrue();
                    assertThat(holdsOnly(data, values.get(k))).as("tensor %d keeps its values", k).isTrue();
                }
                assertThat(CpuMemory.pooledBytes()).as("pooled bytes stay within the most ever live")
                        .isLessThanOrEqualTo(CPU.memory().peakBytes());
            }
            return null;
        });
    }

    private static boolean holdsOnly(float[] data, float value) {
        for (float v : data) {
            if (v != value) {
                return false;
            }
        }
        return true;
    }

    @Test
    void thePoolHoldsAtMostTheMostBytesEverLiveAtOnce() {
        onFreshThread(() -> {
            Tensor wide = Tensor.zeros(2000);
            float[] wideArray = CpuBackend.data(wide);
            wide.storage().release();
            Tensor narrow = Tensor.zeros(1000);
            float[] narrowArray = CpuBackend.data(narrow);
            narrow.storage().release();
            assertThat(CpuMemory.pooledBytes()).as("12,000 bytes would pass the 8,000-byte high-water mark: the "
                    + "length used least recently goes").isEqualTo(4_000);
            Tensor.zeros(500).storage().release();
            assertThat(CpuMemory.pooledBytes()).isEqualTo(6_000);
            assertThat(CpuBackend.data(Tensor.zeros(1000))).isSameAs(narrowArray);
            assertThat(CpuBackend.data(Tensor.zeros(2000))).isNotSameAs(wideArray);
            return null;
        });
    }

    /** A one-block GPT (vocabulary 300, width 128, 4 heads) trained by SGD on random tokens, B = 2, T = 32. */
    private static final class TinyGpt {
        private static final int VOCAB = 300;
        private static final int C = 128;
        private static final int HEADS = 4;
        private static final int B = 2;
        private static final int T = 32;

        private final Rng rng = new Rng(5);
        private final List<Tensor> params = new ArrayList<>();
        private final Tensor wte = param(VOCAB, C);
        private final Tensor ln1 = param(C);
        private final Tensor ln1b = param(C);
        private final Tensor wqkv = param(3 * C, C);
        private final Tensor bqkv = param(3 * C);
        private final Tensor wo = param(C, C);
        private final Tensor ln2 = param(C);
        private final Tensor ln2b = param(C);
        private final Tensor wfc = param(4 * C, C);
        private final Tensor bfc = param(4 * C);
        private final Tensor wproj = param(C, 4 * C);
        private final Tensor bproj = param(C);

        private Tensor param(int... dims) {
            Tensor p = Tensor.randn(rng, dims).mul(0.05f).requiresGrad(true);
            params.add(p);
            return p;
        }

        /** One step: forward, backward, θ −= 0.1·g, zeroGrad. Returns the loss. */
        float step() {
            float[] ids = new float[B * T + 1];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(VOCAB);
            }
            float loss;
            try (MemoryScope scope = CPU.scope()) {
                Tensor tokens = Tensor.fromArray(ids);
                Tensor x = Functional.embedding(wte, tokens.slice(0, 0, B * T).reshape(B, T));
                Tensor qkv = Functional.linear(Functional.layerNorm(x, ln1, ln1b, 1e-5f), wqkv, bqkv);
                Tensor h = x.add(Functional.linear(Functional.causalAttention(qkv, HEADS), wo, null));
                Functional.ResidualNorm r = Functional.residualLayerNorm(h, h.mul(0.5f), ln2, ln2b, 1e-5f);
                Tensor y = r.sum().add(Functional.geluMlp(r.normalized(), wfc, bfc, wproj, bproj));
                Tensor l = Functional.linearCrossEntropy(y.reshape(B * T, C), wte, tokens.slice(0, 1, B * T + 1), -1);
                l.backward();
                loss = l.item();
                for (Tensor p : params) {
                    scope.keep(p.grad());
                }
            }
            try (Autograd.Scope noGrad = Autograd.noGrad(); MemoryScope temps = CPU.scope()) {
                for (Tensor p : params) {
                    CPU.addInto(p, p.grad().mul(-0.1f));
                    p.zeroGrad();
                }
            }
            return loss;
        }

        /** The losses of {@code steps} steps, then every parameter's values. */
        static float[] train(int steps) {
            TinyGpt model = new TinyGpt();
            List<Float> out = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                out.add(model.step());
            }
            for (Tensor p : model.params) {
                for (float v : p.toArray()) {
                    out.add(v);
                }
            }
            float[] result = new float[out.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = out.get(i);
            }
            return result;
        }
    }

    @Test
    void trainingGivesTheSameBitsWhateverThePoolHeld() {
        float[] fresh = onFreshThread(() -> TinyGpt.train(3));
        float[] afterAnotherRun = onFreshThread(() -> {
            TinyGpt.train(2);
            assertThat(CpuMemory.pooledBytes()).as("the first run left arrays to reuse").isPositive();
            return TinyGpt.train(3);
        });
        assertThat(afterAnotherRun).isEqualTo(fresh);
    }

    @Test
    void aStepAfterTheFirstMakesNoNewArrays() {
        long[][] counts = onFreshThread(() -> {
            TinyGpt model = new TinyGpt();
            long[][] perStep = new long[3][];
            for (int step = 0; step < perStep.length; step++) {
                Profile profile = Profiler.start();
                try (profile) {
                    model.step();
                }
                perStep[step] = new long[] {profile.total(Counter.ALLOCATIONS), profile.total(Counter.ALLOCATOR_MISSES)};
            }
            return perStep;
        });
        assertThat(counts[0][1]).as("the first step makes its arrays").isPositive();
        assertThat(counts[2][0]).as("tensors made by the third step").isEqualTo(counts[0][0]);
        assertThat(counts[2][1]).as("new arrays in the third step").isZero();
    }

    /**
     * A warm small GPT's step allocates on the Java heap less than half the bytes of the tensors it makes (which come
     * from the pool). Measured on main at 2026-12-06: about 750 KB against 3.6 MB of tensors, nearly all of it the
     * packed matmul's kernel at the classifier's shape (64 × 128)·(300 × 128)ᵀ; before the pool the heap took at
     * least every tensor's bytes, and a kernel whose vectors stay Java objects makes megabytes.
     */
    @Test
    void aWarmStepAllocatesLessHeapThanHalfTheTensorsItMakes() {
        long[] heapAndTensors = onFreshThread(() -> {
            TinyGpt model = new TinyGpt();
            model.step();
            Profile profile = Profiler.start();
            try (profile) {
                model.step();
            }
            long tensorBytes = profile.total(Counter.ALLOCATED_BYTES);
            return new long[] {leastHeap(model::step, tensorBytes / 2), tensorBytes};
        });
        assertThat(heapAndTensors[0]).as("least heap bytes of a step, against the %,d bytes of its tensors",
                heapAndTensors[1]).isLessThan(heapAndTensors[1] / 2);
    }

    /**
     * Attention (forward and backward), the layer norm's backward, GELU, the GELU MLP's bias + GELU (forward and
     * backward), softmax, a sum over rows and the gradient norm's sum of squares allocate at most
     * {@link #KERNEL_CALL_BOUND} of heap per warm call: their buffers are per thread, their vectors registers.
     */
    @Test
    void warmKernelsMakeNoBuffersPerCall() {
        Map<String, Long> least = onFreshThread(() -> {
            Rng rng = new Rng(3);
            Tensor qkv = Tensor.randn(rng, 2, 32, 3 * 128);
            Tensor x = Tensor.randn(rng, 256, 768);
            Tensor gamma = Tensor.randn(rng, 768);
            Tensor beta = Tensor.randn(rng, 768);
            Tensor wide = Tensor.randn(rng, 64, 4096);
            Tensor hidden = Tensor.randn(rng, 64, 3072);
            Tensor hiddenBias = Tensor.randn(rng, 3072);
            Tensor gradients = Tensor.randn(rng, 1600, 1024);
            Map<String, Runnable> kernels = new LinkedHashMap<>();
            kernels.put("attention forward and backward", () -> {
                Backend.AttentionResult r = CPU.attention(qkv, 4);
                CPU.attentionBackward(r.out(), qkv, r.out(), r.lse(), 4);
            });
            kernels.put("layer norm forward and backward", () -> {
                Backend.LayerNormResult r = CPU.layerNorm(x, gamma, beta, 1e-5f);
                CPU.layerNormBackward(x, x, gamma, r.mean(), r.rstd());
            });
            kernels.put("GELU", x::gelu);
            kernels.put("bias + GELU forward and backward", () -> {
                Tensor a = CPU.biasGelu(hidden, hiddenBias);
                CPU.biasGeluBackward(a, hidden, hiddenBias);
            });
            kernels.put("softmax", x::softmax);
            kernels.put("sum over the rows (a bias gradient)", () -> wide.sum(0, false));
            // 100 blocks of the sum's 16,384 elements: two boxed vectors a block (192 bytes) would be 19 KB a call
            kernels.put("sum of squares (a gradient norm)", () -> CPU.sumOfSquares(List.of(gradients)));
            Map<String, Long> bytes = new LinkedHashMap<>();
            try (Autograd.Scope noGrad = Autograd.noGrad()) {
                kernels.forEach((name, kernel) -> bytes.put(name, leastHeap(() -> {
                    try (MemoryScope scope = CPU.scope()) {
                        kernel.run();
                    }
                }, KERNEL_CALL_BOUND)));
            }
            return bytes;
        });
        assertThat(least).allSatisfy((kernel, bytes) -> assertThat(bytes).as(kernel)
                .isLessThanOrEqualTo(KERNEL_CALL_BOUND));
    }

    /**
     * A matmul whose last block of C is partial (300 columns: 9 whole panels and an edge) allocates at most
     * {@link #KERNEL_CALL_BOUND} per call once C2 has compiled its final code. The kernel had two call sites, and C2
     * compiled the one for the edge with every vector an object: 670 KB a call at this shape, but only after some
     * thousands of calls, so this case measures after {@value #MATMUL_WARM_CALLS} of them rather than at the first
     * call under the bound.
     */
    @Test
    void aWarmMatmulWithAnEdgeBlockMakesNoGarbage() {
        long least = onFreshThread(() -> {
            Rng rng = new Rng(4);
            Tensor a = Tensor.randn(rng, 64, 128);
            Tensor b = Tensor.randn(rng, 300, 128);
            long fewest = Long.MAX_VALUE;
            for (int call = 0; call < MATMUL_WARM_CALLS + 20; call++) {
                try (MemoryScope scope = CPU.scope()) {
                    HeapAllocation heap = HeapAllocation.start();
                    CPU.matmul(a, b, false, true);
                    if (call >= MATMUL_WARM_CALLS) {
                        fewest = Math.min(fewest, heap.bytesSince());
                    }
                }
            }
            return fewest;
        });
        assertThat(least).isLessThanOrEqualTo(KERNEL_CALL_BOUND);
    }

    /**
     * The least heap one call of {@code work} allocated, called until that is at most {@code bound} (at least 5
     * times) or {@link #WARM_UP_NANOS} have passed.
     */
    private static long leastHeap(Runnable work, long bound) {
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        for (int call = 0; call < 5 || least > bound && System.nanoTime() < deadline; call++) {
            HeapAllocation heap = HeapAllocation.start();
            work.run();
            least = Math.min(least, heap.bytesSince());
        }
        return least;
    }
}
