package dev.descent.cuda;

import dev.descent.core.Backend;
import dev.descent.core.Backend.AttentionResult;
import dev.descent.core.Backend.LayerNormGrads;
import dev.descent.core.Backend.LayerNormResult;
import dev.descent.core.Backend.ResidualLayerNormResult;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.ReduceOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.cuda.kernels.AttentionVersion;
import dev.descent.cuda.kernels.SoftmaxVersion;
import dev.descent.cuda.kernels.matmul.MatmulEngine;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test over the whole Backend interface: every primitive runs on the CPU reference and on the CUDA
 * backend from identical inputs, and the outputs must agree within the op's tolerance. Shapes include sizes that
 * are multiples of no tile (1, 7, 33, 1000, 50257) and T = 1.
 */
@Tag("gpu")
class CudaBackendDifferentialTest {
    private static final Backend CPU = Backends.cpu();
    private static final Close TRANSCENDENTAL = new Close(1e-5, 1e-5);
    private static final Set<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.RELU, UnaryOp.STEP, UnaryOp.ABS);
    private static final Set<UnaryOp> POSITIVE_ONLY = EnumSet.of(UnaryOp.LOG, UnaryOp.SQRT);

    /** One primitive call: builds its inputs on the given backend and returns its outputs. */
    record Case(String name, Close tolerance, Function<Backend, List<Tensor>> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case one(String name, Close tol, Function<Backend, Tensor> run) {
        return new Case(name, tol, b -> List.of(run.apply(b)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("try")
    void matchesTheCpuReference(Case c) {
        CudaBackend gpu = Gpu.backend();
        List<Tensor> expected = c.run().apply(CPU);
        try (MemoryScope scope = gpu.scope()) {
            List<Tensor> actual = c.run().apply(gpu);
            for (int i = 0; i < expected.size(); i++) {
                c.tolerance().check(c.name() + " output " + i, expected.get(i), actual.get(i));
            }
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        creation(all);
        elementwise(all);
        reductionsAndLayout(all);
        fused(all);
        attention(all);
        matmul(all);
        return all.stream();
    }

    private static void creation(List<Case> all) {
        float[] values = {0f, -1.5f, 3.25f, Float.MIN_VALUE, -0f, 1e30f, 7f};
        all.add(one("fromArray/toArray (7)", Close.EXACT, b -> b.fromArray(values, Shape.of(7))));
        all.add(one("full (7, 33)", Close.EXACT, b -> b.full(Shape.of(7, 33), 2.5f)));
        all.add(one("full ()", Close.EXACT, b -> b.full(Shape.scalar(), -3f)));
        all.add(one("full (0, 5)", Close.EXACT, b -> b.full(Shape.of(0, 5), 1f)));
        all.add(one("randn (3, 1000)", Close.EXACT, b -> b.randn(Shape.of(3, 1000), new Rng(7))));
        all.add(one("rand (7, 33)", Close.EXACT, b -> b.rand(Shape.of(7, 33), new Rng(8))));
        all.add(one("copyInto (33, 7)", Close.EXACT, b -> {
            Tensor dst = b.full(Shape.of(33, 7), 0f);
            b.copyInto(dst, Inputs.randn(b, 9, 33, 7));
            return dst;
        }));
    }

    private static void elementwise(List<Case> all) {
        for (UnaryOp op : UnaryOp.values()) {
            Close tol = EXACT_UNARY.contains(op) ? Close.EXACT : TRANSCENDENTAL;
            for (int[] dims : new int[][] {{1}, {33, 1000}}) {
                all.add(one("unary " + op + " " + Shape.of(dims), tol, b -> b.unary(op,
                        POSITIVE_ONLY.contains(op) ? Inputs.positive(b, 11, dims)
                                : b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 11, dims), 3f))));
            }
        }
        int[][][] pairs = {{{7, 33}, {7, 33}}, {{4, 7, 33}, {33}}, {{4, 1, 33}, {4, 7, 1}}, {{}, {7, 33}},
            {{1000, 1}, {1, 1000}}, {{2, 3, 1, 5, 1, 7}, {3, 4, 5, 6, 1}}};
        for (BinaryOp op : BinaryOp.values()) {
            boolean compare = op == BinaryOp.EQ || op == BinaryOp.GT || op == BinaryOp.LT;
            Close tol = op == BinaryOp.POW ? TRANSCENDENTAL : Close.EXACT;
            for (int[][] p : pairs) {
                all.add(one("binary " + op + " " + Shape.of(p[0]) + " " + Shape.of(p[1]), tol, b -> b.binary(op,
                        compare ? Inputs.bits(b, 12, p[0]) : op == BinaryOp.POW ? Inputs.positive(b, 12, p[0])
                                : Inputs.randn(b, 12, p[0]),
                        compare ? Inputs.bits(b, 13, p[1]) : Inputs.randn(b, 13, p[1]))));
            }
            all.add(one("binaryScalar " + op + " (33, 1000)", tol, b -> b.binaryScalar(op,
                    op == BinaryOp.POW ? Inputs.positive(b, 14, 33, 1000) : compare ? Inputs.bits(b, 14, 33, 1000)
                            : Inputs.randn(b, 14, 33, 1000), compare ? 1f : 0.75f)));
        }
        all.add(one("where (4,1,33) (4,7,33) ()", Close.EXACT, b -> b.where(Inputs.bits(b, 15, 4, 1, 33),
                Inputs.randn(b, 16, 4, 7, 33), b.full(Shape.scalar(), -1e9f))));
        all.add(one("where (7) (3,7) (3,1)", Close.EXACT, b -> b.where(Inputs.bits(b, 17, 7),
                Inputs.randn(b, 18, 3, 7), Inputs.randn(b, 19, 3, 1))));
    }

    private static void reductionsAndLayout(List<Case> all) {
        int[][] shapes = {{3, 7, 33}, {7, 50257}, {2048, 768}, {1, 1}, {5, 0, 3}};
        for (int[] dims : shapes) {
            for (int axis = 0; axis < dims.length; axis++) {
                int ax = axis;
                int n = dims[axis];
                all.add(one("reduce SUM " + Shape.of(dims) + " axis " + ax, new Close(1e-6 * n + 1e-6, 1e-5),
                        b -> b.reduce(ReduceOp.SUM, Inputs.randn(b, 20, dims), ax)));
                if (n > 0) {
                    all.add(one("reduce MAX " + Shape.of(dims) + " axis " + ax, Close.EXACT,
                            b -> b.reduce(ReduceOp.MAX, Inputs.randn(b, 21, dims), ax)));
                }
            }
        }
        all.add(one("broadcastTo (1,7,1)->(5,7,33)", Close.EXACT,
                b -> b.broadcastTo(Inputs.randn(b, 22, 1, 7, 1), Shape.of(5, 7, 33))));
        all.add(one("broadcastTo (33)->(2,3,33)", Close.EXACT,
                b -> b.broadcastTo(Inputs.randn(b, 23, 33), Shape.of(2, 3, 33))));
        all.add(one("broadcastTo ()->(4,4)", Close.EXACT, b -> b.broadcastTo(Inputs.randn(b, 24), Shape.of(4, 4))));
        Object[][] perms = {{new int[] {2, 3, 4, 5}, new int[] {3, 1, 0, 2}}, {new int[] {2, 33, 1000}, new int[] {0, 2, 1}},
            {new int[] {2, 64, 12, 64}, new int[] {0, 2, 1, 3}}, {new int[] {7, 1}, new int[] {1, 0}},
            {new int[] {70_000, 2, 3}, new int[] {0, 2, 1}}, {new int[] {1, 1, 1}, new int[] {2, 0, 1}}};
        for (Object[] p : perms) {
            int[] dims = (int[]) p[0];
            int[] axes = (int[]) p[1];
            all.add(one("permute " + Shape.of(dims) + " by " + java.util.Arrays.toString(axes), Close.EXACT,
                    b -> b.permute(Inputs.randn(b, 25, dims), axes)));
        }
        int[][] slices = {{0, 1, 4}, {1, 0, 1}, {2, 32, 33}, {2, 3, 30}, {1, 2, 2}};
        for (int[] s : slices) {
            all.add(one("slice (5,7,33) axis " + s[0] + " [" + s[1] + ", " + s[2] + ")", Close.EXACT,
                    b -> b.slice(Inputs.randn(b, 26, 5, 7, 33), s[0], s[1], s[2])));
        }
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            all.add(one("concat 3 tensors axis " + ax, Close.EXACT, b -> {
                List<Tensor> parts = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int[] d = {2, 3, 4};
                    d[ax] = 1 + 2 * i;
                    parts.add(Inputs.randn(b, 27 + i, d));
                }
                return b.concat(parts, ax);
            }));
        }
    }

    private static void fused(List<Case> all) {
        Close soft = new Close(1e-5, 1e-5);
        for (SoftmaxVersion v : SoftmaxVersion.values()) {
            for (int[] dims : new int[][] {{7, 1}, {7, 7}, {5, 33}, {7, 1000}, {3, 50257}, {1, 1, 64}}) {
                for (boolean log : new boolean[] {false, true}) {
                    all.add(one("softmax " + v + (log ? " log " : " ") + Shape.of(dims), soft, b -> {
                        Tensor x = b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 30, dims), 4f);
                        return b instanceof CudaBackend g ? g.softmax(v, x, log) : b.softmax(x, log);
                    }));
                }
            }
        }
        for (int[] dims : new int[][] {{7, 7}, {7, 1000}, {3, 50257}}) {
            for (boolean log : new boolean[] {false, true}) {
                all.add(one("softmaxBackward" + (log ? " log " : " ") + Shape.of(dims), new Close(1e-5, 1e-4),
                        b -> b.softmaxBackward(b.softmax(Inputs.randn(b, 31, dims), log), Inputs.randn(b, 32, dims), log)));
            }
        }
        for (int[] dims : new int[][] {{1, 1}, {7, 7}, {33, 33}, {2048, 768}, {7, 1000}, {4, 3, 768}}) {
            int c = dims[dims.length - 1];
            all.add(new Case("layerNorm " + Shape.of(dims), new Close(1e-5, 1e-4), b -> {
                LayerNormResult r = b.layerNorm(Inputs.randn(b, 33, dims), Inputs.randn(b, 34, c), Inputs.randn(b, 35, c),
                        1e-5f);
                return List.of(r.y(), r.mean(), r.rstd());
            }));
            all.add(new Case("layerNormBackward " + Shape.of(dims), new Close(1e-4, 1e-4), b -> {
                Tensor x = Inputs.randn(b, 33, dims);
                Tensor gamma = Inputs.randn(b, 34, c);
                LayerNormResult r = b.layerNorm(x, gamma, Inputs.randn(b, 35, c), 1e-5f);
                LayerNormGrads g = b.layerNormBackward(Inputs.randn(b, 36, dims), x, gamma, r.mean(), r.rstd());
                return List.of(g.dx(), g.dgamma(), g.dbeta());
            }));
        }
        blockFusions(all);
        for (int[] ids : new int[][] {{2, 7}, {1, 1}, {64}}) {
            all.add(one("embedding (50257, 33) ids " + Shape.of(ids), Close.EXACT,
                    b -> b.embedding(Inputs.randn(b, 40, 50257, 33), Inputs.ids(b, 41, 50257, 0, 0, ids))));
            int[] gDims = java.util.Arrays.copyOf(ids, ids.length + 1);
            gDims[ids.length] = 33;
            all.add(one("embeddingBackward vocab 50257 ids " + Shape.of(ids) + " (5 distinct)", Close.EXACT,
                    b -> b.embeddingBackward(Inputs.randn(b, 42, gDims), Inputs.ids(b, 43, 5, 0, 0, ids), 50257)));
        }
        for (int classes : new int[] {7, 1000, 50257}) {
            for (int rows : new int[] {1, 7, 64}) {
                for (float smoothing : new float[] {0f, 0.1f}) {
                    String tag = "(" + rows + ", " + classes + ") smoothing " + smoothing;
                    all.add(one("crossEntropy " + tag, new Close(1e-4, 1e-5), b -> b.crossEntropy(
                            b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 44, rows, classes), 3f),
                            Inputs.ids(b, 45, classes, 3, -100, rows), -100, smoothing)));
                    all.add(one("crossEntropyBackward " + tag, new Close(1e-6, 1e-4), b -> b.crossEntropyBackward(
                            b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 44, rows, classes), 3f),
                            Inputs.ids(b, 45, classes, 3, -100, rows), Inputs.randn(b, 46, rows), -100, smoothing)));
                }
                String shape = "(" + rows + ", " + classes + ")";
                all.add(one("crossEntropyInPlace loss " + shape, new Close(1e-4, 1e-5),
                        b -> b.crossEntropyInPlace(logitsX3(b, rows, classes), Inputs.ids(b, 45, classes, 3, -100, rows),
                                -100)));
                all.add(one("crossEntropyInPlace overwritten logits " + shape, new Close(1e-6, 1e-4), b -> {
                    Tensor logits = logitsX3(b, rows, classes);
                    b.crossEntropyInPlace(logits, Inputs.ids(b, 45, classes, 3, -100, rows), -100);
                    return logits;
                }));
            }
        }
    }

    /** The GPT block's fusions: bias + GELU and its backward, residual add + layer norm and the dx added into a residual. */
    private static void blockFusions(List<Case> all) {
        for (int[] dims : new int[][] {{1, 1}, {7, 33}, {2048, 3072}, {4, 3, 1000}}) {
            int n = dims[dims.length - 1];
            all.add(one("biasGelu " + Shape.of(dims), TRANSCENDENTAL, b -> b.biasGelu(
                    b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 37, dims), 3f), Inputs.randn(b, 38, n))));
            all.add(one("biasGeluBackward " + Shape.of(dims), TRANSCENDENTAL, b -> b.biasGeluBackward(
                    Inputs.randn(b, 39, dims), b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 37, dims), 3f),
                    Inputs.randn(b, 38, n))));
        }
        for (int[] dims : new int[][] {{1, 1}, {7, 33}, {2048, 768}, {4, 3, 1000}}) {
            int c = dims[dims.length - 1];
            all.add(new Case("residualLayerNorm " + Shape.of(dims), new Close(1e-5, 1e-4), b -> {
                ResidualLayerNormResult r = b.residualLayerNorm(Inputs.randn(b, 33, dims), Inputs.randn(b, 47, dims),
                        Inputs.randn(b, 34, c), Inputs.randn(b, 35, c), 1e-5f);
                return List.of(r.sum(), r.y(), r.mean(), r.rstd());
            }));
            all.add(new Case("layerNormBackwardInto " + Shape.of(dims), new Close(1e-4, 1e-4), b -> {
                Tensor x = Inputs.randn(b, 33, dims);
                Tensor gamma = Inputs.randn(b, 34, c);
                LayerNormResult r = b.layerNorm(x, gamma, Inputs.randn(b, 35, c), 1e-5f);
                Tensor residual = Inputs.randn(b, 48, dims);
                LayerNormGrads g = b.layerNormBackwardInto(residual, Inputs.randn(b, 36, dims), x, gamma, r.mean(),
                        r.rstd());
                return List.of(residual, g.dgamma(), g.dbeta());
            }));
        }
    }

    /** The logits of the cross-entropy cases: 3·N(0, 1), so rows have a clear maximum. */
    private static Tensor logitsX3(Backend b, int rows, int classes) {
        return b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 44, rows, classes), 3f);
    }

    /**
     * Causal attention on (B, T, heads, hs), every version: T = 1, sizes that fill no 32-row tile, several tiles, hs
     * 1 to the kernels' 128 (v2's two head-size classes on both sides of 64).
     */
    private static void attention(List<Case> all) {
        int[][] shapes = {{1, 1, 1, 1}, {2, 7, 3, 5}, {2, 33, 2, 64}, {1, 257, 4, 64}, {1, 65, 1, 128}, {2, 100, 2, 96}};
        for (AttentionVersion v : AttentionVersion.values()) {
            for (int[] s : shapes) {
                int heads = s[2];
                int[] dims = {s[0], s[1], 3 * heads * s[3]};
                String tag = v + " (B " + s[0] + ", T " + s[1] + ", heads " + heads + ", hs " + s[3] + ")";
                all.add(new Case("attention " + tag, new Close(1e-5, 1e-4), b -> {
                    AttentionResult r = attention(b, v, b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 60, dims), 1.5f),
                            heads);
                    return List.of(r.out(), r.lse());
                }));
                all.add(one("attentionBackward " + tag, new Close(1e-4, 1e-3), b -> {
                    Tensor qkv = b.binaryScalar(BinaryOp.MUL, Inputs.randn(b, 60, dims), 1.5f);
                    AttentionResult r = attention(b, v, qkv, heads);
                    Tensor dout = Inputs.randn(b, 61, r.out().shape().dims());
                    return b instanceof CudaBackend g ? g.attentions().backward(v, dout, qkv, r.out(), r.lse(), heads)
                            : b.attentionBackward(dout, qkv, r.out(), r.lse(), heads);
                }));
            }
        }
    }

    private static AttentionResult attention(Backend b, AttentionVersion v, Tensor qkv, int heads) {
        return b instanceof CudaBackend g ? g.attentions().forward(v, qkv, heads) : b.attention(qkv, heads);
    }

    private static void matmul(List<Case> all) {
        int[][] mkn = {{1, 1, 1}, {7, 33, 1}, {33, 7, 1000}, {65, 129, 257}, {64, 768, 2304}};
        for (MatmulEngine engine : MatmulEngine.values()) {
            for (int[] s : mkn) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    String name = "matmul " + engine.shortName() + " M" + s[0] + " K" + s[1] + " N" + s[2]
                            + (ta ? " transA" : "") + (tb ? " transB" : "");
                    all.add(one(name, new Close(1e-5 * s[1], 1e-4), b -> product(b, engine, new int[0], s, ta, tb, false)));
                }
            }
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                int[] s = {33, 7, 1000};
                all.add(one("matmul " + engine.shortName() + " batched (3, 2)" + (ta ? " transA" : "") + (tb ? " transB" : ""),
                        new Close(1e-4, 1e-4), b -> product(b, engine, new int[] {3, 2}, s, ta, tb, false)));
                all.add(one("matmul " + engine.shortName() + " shared B (4)" + (ta ? " transA" : "") + (tb ? " transB" : ""),
                        new Close(1e-4, 1e-4), b -> product(b, engine, new int[] {4}, s, ta, tb, true)));
            }
            all.add(one("matmul " + engine.shortName() + " T=1 classifier (1, 1, 768) x (768, 50257)",
                    new Close(1e-2, 1e-4),
                    b -> product(b, engine, new int[] {1}, new int[] {1, 768, 50257}, false, false, true)));
        }
    }

    /** op(A)·op(B) with A (batch.., M, K) (or its transpose) and B (batch.., K, N) (or shared (K, N)), on engine. */
    private static Tensor product(Backend b, MatmulEngine engine, int[] batch, int[] mkn, boolean ta, boolean tb,
                                  boolean sharedB) {
        int m = mkn[0];
        int k = mkn[1];
        int n = mkn[2];
        Tensor a = Inputs.randn(b, 50, withBatch(batch, ta ? k : m, ta ? m : k));
        Tensor bb = Inputs.randn(b, 51, withBatch(sharedB ? new int[0] : batch, tb ? n : k, tb ? k : n));
        if (b instanceof CudaBackend g) {
            if (engine == MatmulEngine.CUBLAS) {
                Gpu.cublas();
            }
            return g.matmul(engine, a, bb, ta, tb);
        }
        return b.matmul(a, bb, ta, tb);
    }

    private static int[] withBatch(int[] batch, int rows, int cols) {
        int[] d = java.util.Arrays.copyOf(batch, batch.length + 2);
        d[batch.length] = rows;
        d[batch.length + 1] = cols;
        return d;
    }
}
