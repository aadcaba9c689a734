package dev.descent.core.cpu;

import dev.descent.core.AdamStep;
import dev.descent.core.Backend;
import dev.descent.core.BinaryOp;
import dev.descent.core.Indices;
import dev.descent.core.MemoryScope;
import dev.descent.core.MemoryUsage;
import dev.descent.core.ReduceOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.core.profile.Counter;
import dev.descent.core.profile.Profiler;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU backend: plain Java loops over {@code float[]} with double accumulators in reductions, the oracle that
 * every faster path is tested against, and, where the JVM has the Vector API, vector kernels for what dominates a
 * training step (matmul, the fused row kernels, attention, GPT-2's GELU), each tested against its plain loop.
 * Large loops are split across cores. Besides the primitives it overrides every fused op of {@link Backend} with a
 * fused loop ({@link FusedKernels}, {@link VectorAttention} or {@link CpuAttention}, {@link CpuOptim}), tested
 * against the composed defaults.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();
    private static final FusedKernels FUSED = FusedKernels.fastest();
    /**
     * Most columns of one work item of {@link #reduce}: 64, so that a bias gradient (a sum over 1024 rows of 256
     * columns in the small GPT) is 4 items, shared among the cores.
     */
    private static final int REDUCE_COLUMNS = 64;

    private CpuBackend() {
    }

    @FunctionalInterface
    private interface FloatUnary {
        float apply(float x);
    }

    @FunctionalInterface
    private interface FloatBinary {
        float apply(float a, float b);
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** The array behind a CPU tensor; names the device when the tensor lives elsewhere. */
    static float[] data(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException("the cpu backend was handed a tensor on " + t.backend().name()
                    + "; move it with tensor.to(Backends.cpu())");
        }
        return s.data();
    }

    private static Tensor wrap(float[] data, Shape shape) {
        return Tensor.wrap(new CpuStorage(data), shape);
    }

    @Override
    public Tensor fromArray(float[] data, Shape shape) {
        return wrap(CpuMemory.copyOf(data), shape);
    }

    /** A copy of the values; counted as a {@link Counter#SYNCS sync}, the read that would wait for a device. */
    @Override
    public float[] toArray(Tensor x) {
        Profiler.count(Counter.SYNCS, 1);
        return data(x).clone();
    }

    @Override
    public Tensor full(Shape shape, float value) {
        float[] d = CpuMemory.zeroedArray(shape.numel());
        if (value != 0f) {
            Arrays.fill(d, value);
        }
        return wrap(d, shape);
    }

    /** Normal values drawn in row-major order, as the default draws them, straight into the tensor's array. */
    @Override
    public Tensor randn(Shape shape, Rng rng) {
        float[] d = CpuMemory.arrayToOverwrite(shape.numel());
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return wrap(d, shape);
    }

    /** Uniform [0, 1) values drawn in row-major order, as the default draws them, straight into the tensor's array. */
    @Override
    public Tensor rand(Shape shape, Rng rng) {
        float[] d = CpuMemory.arrayToOverwrite(shape.numel());
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextFloat();
        }
        return wrap(d, shape);
    }

    @Override
    public void copyInto(Tensor dst, Tensor src) {
        System.arraycopy(data(src), 0, data(dst), 0, src.numel());
    }

    @Override
    public void addInto(Tensor dst, Tensor src) {
        broadcastRows(data(src), src.shape(), data(dst), dst.shape(), true);
    }

    @Override
    public void scaleInPlace(Tensor x, float s) {
        float[] d = data(x);
        Parallel.forRange(d.length, 2, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[i] *= s;
            }
        });
    }

    @Override
    public MemoryScope scope() {
        return CpuMemory.openScope();
    }

    @Override
    public MemoryUsage memory() {
        return CpuMemory.usage();
    }

    @Override
    public void resetPeakMemory() {
        CpuMemory.resetPeak();
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        float[] in = data(x);
        float[] out = CpuMemory.arrayToOverwrite(in.length);
        if (VectorApi.available() && (op == UnaryOp.GELU_TANH || op == UnaryOp.GELU_TANH_GRAD)) {
            if (op == UnaryOp.GELU_TANH) {
                VectorFused.geluTanh(in, out);
            } else {
                VectorFused.geluTanhGrad(in, out);
            }
            return wrap(out, x.shape());
        }
        FloatUnary f = unaryFunction(op);
        Parallel.forRange(in.length, 8, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = f.apply(in[i]);
            }
        });
        return wrap(out, x.shape());
    }

    private static FloatUnary unaryFunction(UnaryOp op) {
        switch (op) {
            case NEG: return x -> -x;
            case EXP: return x -> (float) Math.exp(x);
            case LOG: return x -> (float) Math.log(x);
            case SQRT: return x -> (float) Math.sqrt(x);
            case TANH: return x -> (float) Math.tanh(x);
            case SIGMOID: return x -> (float) ScalarMath.sigmoid(x);
            case RELU: return x -> x > 0 ? x : 0f;
            case STEP: return x -> x > 0 ? 1f : 0f;
            case ABS: return Math::abs;
            case GELU_TANH: return x -> (float) ScalarMath.geluTanh(x);
            case GELU_TANH_GRAD: return x -> (float) ScalarMath.geluTanhGrad(x);
            case GELU_ERF: return x -> (float) ScalarMath.geluErf(x);
            case GELU_ERF_GRAD: return x -> (float) ScalarMath.geluErfGrad(x);
            default: throw new IllegalArgumentException("unknown unary op " + op);
        }
    }

    private static FloatBinary binaryFunction(BinaryOp op) {
        switch (op) {
            case ADD: return (a, b) -> a + b;
            case SUB: return (a, b) -> a - b;
            case MUL: return (a, b) -> a * b;
            case DIV: return (a, b) -> a / b;
            case POW: return (a, b) -> (float) Math.pow(a, b);
            case MAX: return Math::max;
            case EQ: return (a, b) -> a == b ? 1f : 0f;
            case GT: return (a, b) -> a > b ? 1f : 0f;
            case LT: return (a, b) -> a < b ? 1f : 0f;
            default: throw new IllegalArgumentException("unknown binary op " + op);
        }
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        FloatBinary f = binaryFunction(op);
        float[] x = data(a);
        float[] y = data(b);
        Shape outShape = Shape.broadcast(op.name().toLowerCase(java.util.Locale.ROOT), a.shape(), b.shape());
        float[] out = CpuMemory.arrayToOverwrite(outShape.numel());
        if (a.shape().equals(b.shape())) {
            Parallel.forRange(out.length, 2, (from, to) -> {
                for (int i = from; i < to; i++) {
                    out[i] = f.apply(x[i], y[i]);
                }
            });
            return wrap(out, outShape);
        }
        Broadcast bc = new Broadcast(outShape);
        int[] sa = bc.alignedStrides(a.shape());
        int[] sb = bc.alignedStrides(b.shape());
        int ia = bc.innerStride(sa);
        int ib = bc.innerStride(sb);
        int n = bc.rowLength;
        Parallel.forRange(bc.rows, 2L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int oa = bc.rowOffset(r, sa);
                int ob = bc.rowOffset(r, sb);
                int o = r * n;
                for (int j = 0; j < n; j++) {
                    out[o + j] = f.apply(x[oa + j * ia], y[ob + j * ib]);
                }
            }
        });
        return wrap(out, outShape);
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor a, float s) {
        FloatBinary f = binaryFunction(op);
        float[] x = data(a);
        float[] out = CpuMemory.arrayToOverwrite(x.length);
        Parallel.forRange(out.length, 2, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = f.apply(x[i], s);
            }
        });
        return wrap(out, a.shape());
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        Shape outShape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        float[] c = data(cond);
        float[] x = data(a);
        float[] y = data(b);
        float[] out = CpuMemory.arrayToOverwrite(outShape.numel());
        Broadcast bc = new Broadcast(outShape);
        int[] sc = bc.alignedStrides(cond.shape());
        int[] sa = bc.alignedStrides(a.shape());
        int[] sb = bc.alignedStrides(b.shape());
        int ic = bc.innerStride(sc);
        int ia = bc.innerStride(sa);
        int ib = bc.innerStride(sb);
        int n = bc.rowLength;
        Parallel.forRange(bc.rows, 3L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int oc = bc.rowOffset(r, sc);
                int oa = bc.rowOffset(r, sa);
                int ob = bc.rowOffset(r, sb);
                for (int j = 0; j < n; j++) {
                    out[r * n + j] = c[oc + j * ic] != 0f ? x[oa + j * ia] : y[ob + j * ib];
                }
            }
        });
        return wrap(out, outShape);
    }

    @Override
    public Tensor broadcastTo(Tensor x, Shape shape) {
        float[] out = CpuMemory.arrayToOverwrite(shape.numel());
        broadcastRows(data(x), x.shape(), out, shape, false);
        return wrap(out, shape);
    }

    /** out = in (or out += in when accumulating), with {@code in} broadcast to {@code outShape}, row by row. */
    private static void broadcastRows(float[] in, Shape inShape, float[] out, Shape outShape, boolean accumulate) {
        Broadcast bc = new Broadcast(outShape);
        int[] s = bc.alignedStrides(inShape);
        int inner = bc.innerStride(s);
        int n = bc.rowLength;
        Parallel.forRange(bc.rows, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = bc.rowOffset(r, s);
                for (int j = 0; j < n; j++) {
                    float v = in[o + j * inner];
                    out[r * n + j] = accumulate ? out[r * n + j] + v : v;
                }
            }
        });
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int axis) {
        Shape shape = x.shape();
        int outer = shape.outerSize(axis);
        int n = shape.dim(axis);
        int inner = shape.innerSize(axis);
        float[] in = data(x);
        float[] out = CpuMemory.arrayToOverwrite(outer * inner);
        // work items of up to REDUCE_COLUMNS columns of one outer index, so that a sum over the rows of a matrix
        // (a bias gradient: outer = 1) is shared among the cores too; each output still reduces k = 0 .. n−1 in order
        int parts = (inner + REDUCE_COLUMNS - 1) / REDUCE_COLUMNS;
        Parallel.forRange(outer * parts, (long) n * Math.min(inner, REDUCE_COLUMNS), (from, to) -> {
            for (int item = from; item < to; item++) {
                int o = item / parts;
                int i0 = item % parts * REDUCE_COLUMNS;
                int width = Math.min(inner - i0, REDUCE_COLUMNS);
                int first = o * n * inner + i0;
                if (op == ReduceOp.MAX) {
                    columnMaxima(in, first, n, inner, width, out, o * inner + i0);
                } else {
                    FUSED.columnSums(in, first, n, inner, width, out, o * inner + i0);
                }
            }
        });
        return wrap(out, shape.withDim(axis, 1));
    }

    /** out[at + i] = max_k x[first + k·stride + i] for k &lt; n and i &lt; width (−∞ where n = 0). */
    private static void columnMaxima(float[] x, int first, int n, int stride, int width, float[] out, int at) {
        Arrays.fill(out, at, at + width, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < width; i++) {
                out[at + i] = Math.max(out[at + i], x[first + k * stride + i]);
            }
        }
    }

    // ---------------------------------------------------------------- matrix and layout

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int m = transA ? a.dim(-1) : a.dim(-2);
        int k = transA ? a.dim(-2) : a.dim(-1);
        int n = transB ? b.dim(-2) : b.dim(-1);
        int batch = a.shape().outerSize(-2);
        int[] outDims = a.shape().dims();
        outDims[outDims.length - 2] = m;
        outDims[outDims.length - 1] = n;
        boolean sharedB = b.rank() == 2;
        CpuMatmul.Operand left = CpuMatmul.Operand.of(data(a), batch, a.dim(-2), a.dim(-1), transA);
        CpuMatmul.Operand right = CpuMatmul.Operand.of(data(b), sharedB ? 1 : batch, b.dim(-2), b.dim(-1), transB);
        return wrap(CpuMatmul.multiply(left, right, batch, m, k, n), Shape.of(outDims));
    }

    @Override
    public Tensor permute(Tensor x, int[] axes) {
        Shape in = x.shape();
        int rank = in.rank();
        int[] inStrides = in.strides();
        int[] outDims = new int[rank];
        int[] strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = in.dim(axes[i]);
            strides[i] = inStrides[axes[i]];
        }
        Shape outShape = Shape.of(outDims);
        float[] src = data(x);
        float[] out = CpuMemory.arrayToOverwrite(src.length);
        Broadcast bc = new Broadcast(outShape);
        int inner = bc.innerStride(strides);
        int n = bc.rowLength;
        Parallel.forRange(bc.rows, n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = bc.rowOffset(r, strides);
                for (int j = 0; j < n; j++) {
                    out[r * n + j] = src[o + j * inner];
                }
            }
        });
        return wrap(out, outShape);
    }

    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        Shape shape = x.shape();
        int outer = shape.outerSize(axis);
        int n = shape.dim(axis);
        int inner = shape.innerSize(axis);
        int len = end - start;
        float[] src = data(x);
        float[] out = CpuMemory.arrayToOverwrite(outer * len * inner);
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * n + start) * inner, out, o * len * inner, len * inner);
        }
        return wrap(out, shape.withDim(axis, len));
    }

    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        Shape first = xs.get(0).shape();
        int outer = first.outerSize(axis);
        int inner = first.innerSize(axis);
        int total = xs.stream().mapToInt(t -> t.dim(axis)).sum();
        float[] out = CpuMemory.arrayToOverwrite(outer * total * inner);
        int offset = 0;
        for (Tensor t : xs) {
            int len = t.dim(axis) * inner;
            float[] src = data(t);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, o * len, out, (o * total) * inner + offset, len);
            }
            offset += len;
        }
        return wrap(out, first.withDim(axis, total));
    }

    // ---------------------------------------------------------------- fused

    @Override
    public Tensor softmax(Tensor x, boolean log) {
        int c = x.dim(-1);
        float[] out = CpuMemory.arrayToOverwrite(x.numel());
        FUSED.softmax(data(x), out, rowsOf(x), c, log);
        return wrap(out, x.shape());
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor g, boolean log) {
        float[] out = CpuMemory.arrayToOverwrite(y.numel());
        FUSED.softmaxBackward(data(y), data(g), out, rowsOf(y), y.dim(-1), log);
        return wrap(out, y.shape());
    }

    @Override
    public LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int rows = rowsOf(x);
        float[] y = CpuMemory.arrayToOverwrite(x.numel());
        float[] mean = CpuMemory.arrayToOverwrite(rows);
        float[] rstd = CpuMemory.arrayToOverwrite(rows);
        FUSED.layerNorm(data(x), data(gamma), data(beta), eps, y, mean, rstd, rows, x.dim(-1));
        Shape rowShape = rowShape(x);
        return new LayerNormResult(wrap(y, x.shape()), wrap(mean, rowShape), wrap(rstd, rowShape));
    }

    @Override
    public LayerNormGrads layerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        int c = x.dim(-1);
        float[] dx = CpuMemory.arrayToOverwrite(x.numel());
        float[] dgamma = CpuMemory.arrayToOverwrite(c);
        float[] dbeta = CpuMemory.arrayToOverwrite(c);
        FUSED.layerNormBackward(data(dy), data(x), data(gamma), data(mean), data(rstd), dx, dgamma, dbeta,
                rowsOf(x), c, false);
        return new LayerNormGrads(wrap(dx, x.shape()), wrap(dgamma, gamma.shape()), wrap(dbeta, gamma.shape()));
    }

    @Override
    public LayerNormGrads layerNormBackwardInto(Tensor dx, Tensor dy, Tensor x, Tensor gamma, Tensor mean,
                                                Tensor rstd) {
        int c = x.dim(-1);
        float[] dgamma = CpuMemory.arrayToOverwrite(c);
        float[] dbeta = CpuMemory.arrayToOverwrite(c);
        FUSED.layerNormBackward(data(dy), data(x), data(gamma), data(mean), data(rstd), data(dx), dgamma, dbeta,
                rowsOf(x), c, true);
        return new LayerNormGrads(dx, wrap(dgamma, gamma.shape()), wrap(dbeta, gamma.shape()));
    }

    @Override
    public ResidualLayerNormResult residualLayerNorm(Tensor x, Tensor a, Tensor gamma, Tensor beta, float eps) {
        // h = x + a, as binary ADD rounds it, then the layer norm of h
        float[] xs = data(x);
        float[] as = data(a);
        float[] h = CpuMemory.arrayToOverwrite(xs.length);
        Parallel.forRange(h.length, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                h[i] = xs[i] + as[i];
            }
        });
        Tensor sum = wrap(h, x.shape());
        LayerNormResult r = layerNorm(sum, gamma, beta, eps);
        return new ResidualLayerNormResult(sum, r.y(), r.mean(), r.rstd());
    }

    @Override
    public Tensor biasGelu(Tensor h, Tensor bias) {
        float[] y = CpuMemory.arrayToOverwrite(h.numel());
        FUSED.biasGelu(data(h), data(bias), y, rowsOf(h), h.dim(-1));
        return wrap(y, h.shape());
    }

    @Override
    public Tensor biasGeluBackward(Tensor dy, Tensor h, Tensor bias) {
        float[] du = CpuMemory.arrayToOverwrite(h.numel());
        FUSED.biasGeluBackward(data(dy), data(h), data(bias), du, rowsOf(h), h.dim(-1));
        return wrap(du, h.shape());
    }

    @Override
    public AttentionResult attention(Tensor qkv, int heads) {
        int b = qkv.dim(0);
        int t = qkv.dim(1);
        int c = qkv.dim(2) / 3;
        float[] out = CpuMemory.arrayToOverwrite(b * t * c);
        float[] lse = CpuMemory.arrayToOverwrite(b * heads * t);
        if (VectorApi.available()) {
            new VectorAttention(data(qkv), t, heads, c / heads).forward(out, lse, b);
        } else {
            new CpuAttention(data(qkv), t, heads, c / heads).forward(out, lse, b);
        }
        return new AttentionResult(wrap(out, Shape.of(b, t, c)), wrap(lse, Shape.of(b, heads, t)));
    }

    @Override
    public Tensor attentionBackward(Tensor dout, Tensor qkv, Tensor out, Tensor lse, int heads) {
        float[] dqkv = CpuMemory.zeroedArray(qkv.numel());
        int t = qkv.dim(1);
        int hs = qkv.dim(2) / 3 / heads;
        if (VectorApi.available()) {
            new VectorAttention(data(qkv), t, heads, hs).backward(data(dout), data(out), data(lse), dqkv, qkv.dim(0));
        } else {
            new CpuAttention(data(qkv), t, heads, hs).backward(data(dout), data(out), data(lse), dqkv, qkv.dim(0));
        }
        return wrap(dqkv, qkv.shape());
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        int vocab = table.dim(0);
        int c = table.dim(1);
        int[] index = embeddingIds(ids, vocab);
        float[] w = data(table);
        float[] out = CpuMemory.arrayToOverwrite(index.length * c);
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(w, index[i] * c, out, i * c, c);
        }
        int[] dims = Arrays.copyOf(ids.shape().dims(), ids.rank() + 1);
        dims[ids.rank()] = c;
        return wrap(out, Shape.of(dims));
    }

    @Override
    public Tensor embeddingBackward(Tensor g, Tensor ids, int vocab) {
        int c = g.dim(-1);
        int[] index = embeddingIds(ids, vocab);
        float[] grad = data(g);
        float[] out = CpuMemory.zeroedArray(vocab * c);
        for (int i = 0; i < index.length; i++) {
            int row = index[i] * c;
            for (int j = 0; j < c; j++) {
                out[row + j] += grad[i * c + j];
            }
        }
        return wrap(out, Shape.of(vocab, c));
    }

    /**
     * Only the ids' rows of {@code dtable} are written. The positions are taken grouped by id, in order within a group,
     * and each group's rows are summed from zero before the sum is added to the table's row: the bits of
     * {@link #embeddingBackward}'s table added by {@link #addInto}.
     */
    @Override
    public void embeddingBackwardInto(Tensor dtable, Tensor g, Tensor ids) {
        int vocab = dtable.dim(0);
        int c = g.dim(-1);
        int[] index = embeddingIds(ids, vocab);
        float[] grad = data(g);
        float[] out = data(dtable);
        // (id, position) pairs as longs: sorting them groups the positions by id and keeps their order in a group
        long[] byId = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            byId[i] = (long) index[i] << 32 | i;
        }
        Arrays.sort(byId);
        float[] sum = new float[c];
        for (int start = 0, end; start < byId.length; start = end) {
            int id = (int) (byId[start] >>> 32);
            Arrays.fill(sum, 0f);
            for (end = start; end < byId.length && (int) (byId[end] >>> 32) == id; end++) {
                int at = (int) byId[end] * c;
                for (int j = 0; j < c; j++) {
                    sum[j] += grad[at + j];
                }
            }
            int row = id * c;
            for (int j = 0; j < c; j++) {
                out[row + j] += sum[j];
            }
        }
    }

    /** The ids as row numbers of a {@code vocab}-row table; one that is not fails, naming it. */
    private static int[] embeddingIds(Tensor ids, int vocab) {
        return Indices.of("embedding", data(ids), vocab, Integer.MIN_VALUE, "a vocabulary of size " + vocab);
    }

    @Override
    public Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing) {
        int c = logits.dim(1);
        int[] t = Indices.of("crossEntropy", data(targets), c, ignoreIndex, c + " classes (ignoreIndex " + ignoreIndex + ")");
        float[] loss = CpuMemory.zeroedArray(t.length);
        FUSED.crossEntropy(data(logits), t, loss, t.length, c, ignoreIndex, labelSmoothing);
        return wrap(loss, targets.shape());
    }

    @Override
    public Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex,
                                       float labelSmoothing) {
        int c = logits.dim(1);
        int[] t = Indices.of("crossEntropy", data(targets), c, ignoreIndex, c + " classes (ignoreIndex " + ignoreIndex + ")");
        float[] d = CpuMemory.arrayToOverwrite(logits.numel());
        FUSED.crossEntropyBackward(data(logits), t, data(rowGrad), d, t.length, c, ignoreIndex, labelSmoothing);
        return wrap(d, logits.shape());
    }

    @Override
    public Tensor crossEntropyInPlace(Tensor logits, Tensor targets, int ignoreIndex) {
        int c = logits.dim(1);
        int[] t = Indices.of("crossEntropy", data(targets), c, ignoreIndex, c + " classes (ignoreIndex " + ignoreIndex + ")");
        float[] loss = CpuMemory.zeroedArray(t.length);
        FUSED.crossEntropyInPlace(data(logits), t, loss, t.length, c, ignoreIndex);
        return wrap(loss, targets.shape());
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public Tensor adamStep(AdamStep step, List<AdamStep.Param> params) {
        return wrap(new float[] {CpuOptim.adamStep(step, params) ? 0f : Float.NaN}, Shape.scalar());
    }

    @Override
    public Tensor sumOfSquares(List<Tensor> xs) {
        float[] sum = CpuMemory.zeroedArray(1);
        sum[0] = (float) CpuOptim.sumOfSquares(xs);
        return wrap(sum, Shape.scalar());
    }

    private static int rowsOf(Tensor x) {
        return x.dim(-1) == 0 ? 0 : x.numel() / x.dim(-1);
    }

    private static Shape rowShape(Tensor x) {
        return Shape.of(Arrays.copyOf(x.shape().dims(), x.rank() - 1));
    }
}
