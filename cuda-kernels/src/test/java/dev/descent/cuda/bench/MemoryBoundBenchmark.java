package dev.descent.cuda.bench;

import dev.descent.core.AdamStep;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.ReduceOp;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.UnaryOp;
import dev.descent.cuda.CudaBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark for the memory-bound families (elementwise, the MLP's bias + GELU fusion beside the two kernels it
 * replaces, layout, reduce, embedding, crossentropy, optim) at GPT-2 124M sizes (B·T = 2048, C = 768, 12 heads,
 * vocabulary 50257): GB/s of the minimum traffic each op must move, and its percentage of the measured
 * device-to-device copy bandwidth. Correctness of these kernels is the GPU
 * test suite's job (CudaBackendDifferentialTest, OptimKernelsTest); this main only times. Exits 1 without a GPU.
 */
public final class MemoryBoundBenchmark {
    private static final int BT = 2048;
    private static final int C = 768;
    private static final int HEADS = 12;
    private static final int VOCAB = 50257;
    private static final int PARAMS = 16 << 20;
    private static final AdamStep ADAMW = new AdamStep(0.9, 0.95, 1e-8, true, false);

    private record Op(String family, String name, double bytes, Runnable run) {
    }

    private MemoryBoundBenchmark() {
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        CudaBackend gpu = CudaTimer.backendOrExit("MemoryBoundBenchmark");
        CudaTimer timer = new CudaTimer(gpu);
        System.out.println("device: " + gpu.deviceInfo());
        double copy = timer.copyBandwidthGBs(256L << 20);
        System.out.printf(Locale.ROOT, "device-to-device copy: %.1f GB/s%n%n%-13s %-40s %9s %9s %7s%n", copy, "family",
                "op", "ms", "GB/s", "% copy");
        try (MemoryScope scope = gpu.scope()) {
            for (Op op : ops(gpu)) {
                double ms = timer.millisPerRun(() -> {
                    try (MemoryScope run = gpu.scope()) {
                        op.run().run();
                    }
                });
                double gbs = op.bytes() / (ms * 1e6);
                System.out.printf(Locale.ROOT, "%-13s %-40s %9.3f %9.1f %7.1f%n", op.family(), op.name(), ms, gbs,
                        100 * gbs / copy);
            }
        }
    }

    private static List<Op> ops(CudaBackend gpu) {
        Rng rng = new Rng(1);
        double act = 4.0 * BT * C;
        Tensor x = gpu.randn(Shape.of(BT, C), rng);
        Tensor bias = gpu.randn(Shape.of(C), rng);
        Tensor heads = gpu.randn(Shape.of(2, BT / 2, HEADS, C / HEADS), rng);
        Tensor logits = gpu.randn(Shape.of(BT, VOCAB), rng);
        Tensor ids = gpu.fromArray(randomIds(BT), Shape.of(BT));
        Tensor table = gpu.randn(Shape.of(VOCAB, C), rng);
        Tensor p = gpu.randn(Shape.of(PARAMS), rng);
        Tensor g = gpu.randn(Shape.of(PARAMS), rng);
        Tensor m = gpu.full(Shape.of(PARAMS), 0f);
        Tensor v = gpu.full(Shape.of(PARAMS), 0f);
        double logitBytes = 4.0 * BT * VOCAB;
        List<Op> ops = new ArrayList<>();
        ops.add(new Op("elementwise", "gelu (2048, 768)", 2 * act, () -> gpu.unary(UnaryOp.GELU_TANH, x)));
        ops.add(new Op("elementwise", "add bias (2048, 768) + (768)", 2 * act,
                () -> gpu.binary(BinaryOp.ADD, x, bias)));
        ops.add(new Op("elementwise", "mul by scalar (2048, 768)", 2 * act,
                () -> gpu.binaryScalar(BinaryOp.MUL, x, 0.5f)));
        Tensor hidden = gpu.randn(Shape.of(BT, 4 * C), rng);
        Tensor hiddenBias = gpu.randn(Shape.of(4 * C), rng);
        Tensor dHidden = gpu.randn(Shape.of(BT, 4 * C), rng);
        double act4 = 4 * act;
        ops.add(new Op("fused", "bias + gelu (2048, 3072), one kernel", 2 * act4,
                () -> gpu.biasGelu(hidden, hiddenBias)));
        ops.add(new Op("fused", "bias + gelu (2048, 3072), add then gelu", 2 * act4,
                () -> gpu.unary(UnaryOp.GELU_TANH, gpu.binary(BinaryOp.ADD, hidden, hiddenBias))));
        ops.add(new Op("fused", "bias + gelu backward, one kernel", 3 * act4,
                () -> gpu.biasGeluBackward(dHidden, hidden, hiddenBias)));
        ops.add(new Op("fused", "bias + gelu backward, add, gelu', mul", 3 * act4,
                () -> gpu.binary(BinaryOp.MUL, dHidden,
                        gpu.unary(UnaryOp.GELU_TANH_GRAD, gpu.binary(BinaryOp.ADD, hidden, hiddenBias)))));
        ops.add(new Op("layout", "heads (B, T, H, D) -> (B, H, T, D)", 2 * act,
                () -> gpu.permute(heads, new int[] {0, 2, 1, 3})));
        ops.add(new Op("layout", "transpose (2048, 768)", 2 * act, () -> gpu.permute(x, new int[] {1, 0})));
        ops.add(new Op("layout", "slice half of (2048, 768) on axis 1", act, () -> gpu.slice(x, 1, 0, C / 2)));
        ops.add(new Op("layout", "concat 2 x (2048, 768) on axis 1", 4 * act, () -> gpu.concat(List.of(x, x), 1)));
        ops.add(new Op("reduce", "sum axis 0 of (2048, 768)", act, () -> gpu.reduce(ReduceOp.SUM, x, 0)));
        ops.add(new Op("reduce", "max axis 1 of (2048, 50257)", logitBytes, () -> gpu.reduce(ReduceOp.MAX, logits, 1)));
        ops.add(new Op("embedding", "lookup 2048 rows of (50257, 768)", 2 * act, () -> gpu.embedding(table, ids)));
        ops.add(new Op("embedding", "backward into (50257, 768)", act + 4.0 * VOCAB * C,
                () -> gpu.embeddingBackward(x, ids, VOCAB)));
        ops.add(new Op("crossentropy", "forward (2048, 50257)", logitBytes, () -> gpu.crossEntropy(logits, ids, -100, 0f)));
        ops.add(new Op("crossentropy", "backward (2048, 50257)", 2 * logitBytes,
                () -> gpu.crossEntropyBackward(logits, ids, gpu.full(Shape.of(BT), 1f / BT), -100, 0f)));
        ops.add(new Op("optim", "adamw step, 16M parameters", 7 * 4.0 * PARAMS,
                () -> gpu.adamStep(ADAMW, List.of(new AdamStep.Param(p, g, m, v, null, 1e-4, 0.1, 10)))));
        ops.add(new Op("optim", "sum of squares, 16M values", 4.0 * PARAMS, () -> gpu.sumOfSquares(List.of(g))));
        List<AdamStep.Param> gpt2 = gpt2Parameters(gpu);
        double gpt2Params = gpt2.stream().mapToDouble(q -> q.param().numel()).sum();
        ops.add(new Op("optim", "adamw, GPT-2's 148 tensors, one launch", 7 * 4.0 * gpt2Params,
                () -> gpu.adamStep(ADAMW, gpt2)));
        ops.add(new Op("optim", "adamw, GPT-2's 148 tensors, 148 launches", 7 * 4.0 * gpt2Params,
                () -> gpt2.forEach(q -> gpu.adamStep(ADAMW, List.of(q)))));
        ops.add(new Op("optim", "sum of squares, GPT-2's 148 gradients", 4.0 * gpt2Params,
                () -> gpu.sumOfSquares(gpt2.stream().map(AdamStep.Param::grad).toList())));
        return ops;
    }

    /**
     * θ, g, m and v of every parameter of GPT-2 124M (vocabulary 50304, context 1024): wte, wpe, 12 blocks of
     * ln1, qkv, attention projection, ln2, fc and its projection (weights and biases), the final layer norm.
     */
    private static List<AdamStep.Param> gpt2Parameters(CudaBackend gpu) {
        List<Shape> shapes = new ArrayList<>(List.of(Shape.of(50304, C), Shape.of(1024, C)));
        for (int layer = 0; layer < 12; layer++) {
            shapes.addAll(List.of(Shape.of(C), Shape.of(C), Shape.of(3 * C, C), Shape.of(3 * C), Shape.of(C, C),
                    Shape.of(C), Shape.of(C), Shape.of(C), Shape.of(4 * C, C), Shape.of(4 * C), Shape.of(C, 4 * C),
                    Shape.of(C)));
        }
        shapes.addAll(List.of(Shape.of(C), Shape.of(C)));
        List<AdamStep.Param> params = new ArrayList<>();
        for (Shape shape : shapes) {
            params.add(new AdamStep.Param(gpu.full(shape, 0.5f), gpu.full(shape, 0.01f), gpu.full(shape, 0f),
                    gpu.full(shape, 0f), null, 1e-4, 0.1, 10));
        }
        return params;
    }

    private static float[] randomIds(int n) {
        Rng rng = new Rng(2);
        float[] ids = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(VOCAB);
        }
        return ids;
    }
}
