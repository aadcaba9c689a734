package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every default of {@link Backend} (the fused ops composed of primitives) against the CPU backend's fused override,
 * on random shapes and values, one seed per case. {@link #DEFAULTS} is the CPU backend with its overrides taken
 * away: it answers the primitives with the CPU's and runs each default method as written.
 */
class ComposedDefaultsTest {
    private static final Backend CPU = Backends.cpu();
    private static final Backend DEFAULTS = Backends.primitivesOnly(CPU);
    /** Float rounding apart: the fused loops sum in double, the compositions in float. */
    private static final double TOLERANCE = 2e-5;

    private static void assertSame(String what, Tensor composed, Tensor fused) {
        assertThat(composed.shape()).as(what).isEqualTo(fused.shape());
        Close.assertClose(what, composed.toArray(), fused.toArray(), TOLERANCE);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void softmaxAndItsBackward(long seed) {
        Rng rng = new Rng(seed);
        RandomTensors random = new RandomTensors(rng);
        int[] dims = new RandomShapes(rng).shape(1, 3);
        Tensor x = random.normal(3f, dims);
        Tensor g = random.normal(1f, dims);
        for (boolean log : new boolean[] {false, true}) {
            Tensor y = CPU.softmax(x, log);
            assertSame("softmax log=" + log, DEFAULTS.softmax(x, log), y);
            assertSame("softmaxBackward log=" + log, DEFAULTS.softmaxBackward(y, g, log), CPU.softmaxBackward(y, g, log));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void layerNormAndItsBackward(long seed) {
        Rng rng = new Rng(seed);
        RandomTensors random = new RandomTensors(rng);
        int[] dims = new RandomShapes(rng).shape(1, 3);
        int c = dims[dims.length - 1];
        Tensor x = random.normal(2f, dims).add(1f);
        Tensor gamma = random.normal(1f, c);
        Tensor beta = random.normal(1f, c);
        Tensor dy = random.normal(1f, dims);
        Backend.LayerNormResult fused = CPU.layerNorm(x, gamma, beta, 1e-5f);
        Backend.LayerNormResult composed = DEFAULTS.layerNorm(x, gamma, beta, 1e-5f);
        assertSame("layerNorm y", composed.y(), fused.y());
        assertSame("layerNorm mean", composed.mean(), fused.mean());
        assertSame("layerNorm rstd", composed.rstd(), fused.rstd());
        Backend.LayerNormGrads fusedGrads = CPU.layerNormBackward(dy, x, gamma, fused.mean(), fused.rstd());
        Backend.LayerNormGrads composedGrads = DEFAULTS.layerNormBackward(dy, x, gamma, fused.mean(), fused.rstd());
        assertSame("layerNorm dx", composedGrads.dx(), fusedGrads.dx());
        assertSame("layerNorm dgamma", composedGrads.dgamma(), fusedGrads.dgamma());
        assertSame("layerNorm dbeta", composedGrads.dbeta(), fusedGrads.dbeta());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void biasGeluAndItsBackward(long seed) {
        Rng rng = new Rng(seed);
        RandomTensors random = new RandomTensors(rng);
        int[] dims = new RandomShapes(rng).shape(1, 3);
        Tensor h = random.normal(3f, dims);
        Tensor bias = random.normal(1f, dims[dims.length - 1]);
        Tensor dy = random.normal(1f, dims);
        assertSame("biasGelu", DEFAULTS.biasGelu(h, bias), CPU.biasGelu(h, bias));
        assertSame("biasGeluBackward", DEFAULTS.biasGeluBackward(dy, h, bias), CPU.biasGeluBackward(dy, h, bias));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void residualLayerNormAndTheBackwardIntoTheResidualGradient(long seed) {
        Rng rng = new Rng(seed);
        RandomTensors random = new RandomTensors(rng);
        int[] dims = new RandomShapes(rng).shape(1, 3);
        int c = dims[dims.length - 1];
        Tensor x = random.normal(2f, dims).add(1f);
        Tensor a = random.normal(1f, dims);
        Tensor gamma = random.normal(1f, c);
        Tensor beta = random.normal(1f, c);
        Backend.ResidualLayerNormResult fused = CPU.residualLayerNorm(x, a, gamma, beta, 1e-5f);
        Backend.ResidualLayerNormResult composed = DEFAULTS.residualLayerNorm(x, a, gamma, beta, 1e-5f);
        assertThat(composed.sum().toArray()).as("h = x + a is exact").containsExactly(fused.sum().toArray());
        assertSame("residualLayerNorm y", composed.y(), fused.y());
        assertSame("residualLayerNorm mean", composed.mean(), fused.mean());
        assertSame("residualLayerNorm rstd", composed.rstd(), fused.rstd());
        Tensor dy = random.normal(1f, dims);
        Tensor residual = random.normal(1f, dims);
        Tensor composedInto = residual.copy();
        Tensor fusedInto = residual.copy();
        Backend.LayerNormGrads composedGrads = DEFAULTS.layerNormBackwardInto(composedInto, dy, fused.sum(), gamma,
                fused.mean(), fused.rstd());
        Backend.LayerNormGrads fusedGrads = CPU.layerNormBackwardInto(fusedInto, dy, fused.sum(), gamma, fused.mean(),
                fused.rstd());
        assertThat(fusedGrads.dx()).as("dx is the tensor added into").isSameAs(fusedInto);
        assertThat(composedGrads.dx()).isSameAs(composedInto);
        assertSame("layerNormBackwardInto dx", composedInto, fusedInto);
        assertSame("layerNormBackwardInto dgamma", composedGrads.dgamma(), fusedGrads.dgamma());
        assertSame("layerNormBackwardInto dbeta", composedGrads.dbeta(), fusedGrads.dbeta());
        Tensor plainDx = CPU.layerNormBackward(dy, fused.sum(), gamma, fused.mean(), fused.rstd()).dx();
        assertThat(fusedInto.toArray()).as("residual + LN'(dy), rounded as a separate addition would")
                .containsExactly(residual.add(plainDx).toArray());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void causalAttentionAndItsBackward(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        RandomTensors random = new RandomTensors(rng);
        int batch = shapes.between(1, 2);
        int t = shapes.oneOf(1, 2, 3, 5, 7);
        int heads = shapes.between(1, 3);
        int c = heads * shapes.oneOf(1, 2, 3, 5);
        Tensor qkv = random.normal(1f, batch, t, 3 * c);
        Tensor dout = random.normal(1f, batch, t, c);
        Backend.AttentionResult fused = CPU.attention(qkv, heads);
        Backend.AttentionResult composed = DEFAULTS.attention(qkv, heads);
        assertSame("attention out", composed.out(), fused.out());
        assertSame("attention lse", composed.lse(), fused.lse());
        assertSame("attention dqkv", DEFAULTS.attentionBackward(dout, qkv, fused.out(), fused.lse(), heads),
                CPU.attentionBackward(dout, qkv, fused.out(), fused.lse(), heads));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void embeddingAndItsBackward(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        RandomTensors random = new RandomTensors(rng);
        int vocab = shapes.between(1, 9);
        int c = shapes.dim();
        int[] idDims = shapes.shape(0, 2);
        Tensor table = random.normal(1f, vocab, c);
        Tensor ids = random.integers(vocab, idDims);
        Tensor y = CPU.embedding(table, ids);
        assertThat(DEFAULTS.embedding(table, ids).toArray()).as("a lookup is exact").containsExactly(y.toArray());
        assertThat(DEFAULTS.embedding(table, ids).shape()).isEqualTo(y.shape());
        Tensor g = random.normal(1f, y.shape().dims());
        assertSame("embeddingBackward", DEFAULTS.embeddingBackward(g, ids, vocab), CPU.embeddingBackward(g, ids, vocab));
        Tensor start = random.normal(1f, vocab, c);
        Tensor composedInto = start.copy();
        Tensor fusedInto = start.copy();
        DEFAULTS.embeddingBackwardInto(composedInto, g, ids);
        CPU.embeddingBackwardInto(fusedInto, g, ids);
        assertSame("embeddingBackwardInto", composedInto, fusedInto);
        assertThat(fusedInto.toArray()).as("dtable + the scatter-add, rounded as a separate addition would")
                .containsExactly(start.add(CPU.embeddingBackward(g, ids, vocab)).toArray());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void crossEntropyItsBackwardAndTheInPlaceForm(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        RandomTensors random = new RandomTensors(rng);
        int n = shapes.between(1, 9);
        int c = shapes.between(1, 9);
        int ignore = shapes.coin() ? -100 : shapes.between(0, c - 1);
        float smoothing = shapes.coin() ? 0f : 0.1f * shapes.between(1, 9);
        Tensor logits = random.normal(4f, n, c);
        float[] t = random.integers(c, n).toArray();
        t[0] = ignore;
        Tensor targets = Tensor.fromArray(t, n);
        Tensor rowGrad = random.normal(1f, n);
        assertSame("crossEntropy", DEFAULTS.crossEntropy(logits, targets, ignore, smoothing),
                CPU.crossEntropy(logits, targets, ignore, smoothing));
        assertSame("crossEntropyBackward", DEFAULTS.crossEntropyBackward(logits, targets, rowGrad, ignore, smoothing),
                CPU.crossEntropyBackward(logits, targets, rowGrad, ignore, smoothing));
        Tensor composedBuffer = logits.copy();
        Tensor fusedBuffer = logits.copy();
        assertSame("crossEntropyInPlace loss", DEFAULTS.crossEntropyInPlace(composedBuffer, targets, ignore),
                CPU.crossEntropyInPlace(fusedBuffer, targets, ignore));
        assertSame("crossEntropyInPlace dlogits", composedBuffer, fusedBuffer);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void theScalarAndInPlaceDefaultsAreBitIdentical(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        RandomTensors random = new RandomTensors(rng);
        int[][] pair = {shapes.shape(0, 3), null};
        pair[1] = shapes.broadcastableTo(pair[0]);
        Tensor x = random.normal(2f, pair[0]);
        float s = (float) rng.nextGaussian();
        for (BinaryOp op : BinaryOp.values()) {
            assertThat(DEFAULTS.binaryScalar(op, x, s).toArray()).as("binaryScalar " + op)
                    .containsExactly(CPU.binaryScalar(op, x, s).toArray());
        }
        Tensor src = random.normal(1f, pair[1]);
        Tensor composed = x.copy();
        Tensor fused = x.copy();
        DEFAULTS.addInto(composed, src);
        CPU.addInto(fused, src);
        DEFAULTS.scaleInPlace(composed, s);
        CPU.scaleInPlace(fused, s);
        assertThat(composed.toArray()).as("addInto then scaleInPlace").containsExactly(fused.toArray());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void theDefaultsLeaveOnlyTheirResultsAllocated(long seed) {
        Rng rng = new Rng(seed);
        Tensor qkv = new RandomTensors(rng).normal(1f, 1, 4, 6);
        long before = CPU.memory().liveBytes();
        Backend.AttentionResult r = DEFAULTS.attention(qkv, 2);
        assertThat(CPU.memory().liveBytes() - before).isEqualTo(4L * (r.out().numel() + r.lse().numel()));
        Tensor bias = new RandomTensors(rng).normal(1f, 6);
        before = CPU.memory().liveBytes();
        DEFAULTS.biasGelu(qkv, bias);
        DEFAULTS.biasGeluBackward(qkv, qkv, bias);
        assertThat(CPU.memory().liveBytes() - before).isEqualTo(2 * 4L * qkv.numel());
        Tensor into = qkv.copy();
        Tensor gamma = Tensor.ones(6);
        before = CPU.memory().liveBytes();
        Backend.ResidualLayerNormResult n = DEFAULTS.residualLayerNorm(qkv, qkv, gamma, gamma, 1e-5f);
        Backend.LayerNormGrads g = DEFAULTS.layerNormBackwardInto(into, qkv, n.sum(), gamma, n.mean(), n.rstd());
        assertThat(CPU.memory().liveBytes() - before).as("h, y, mean, rstd, then dγ and dβ")
                .isEqualTo(4L * (2 * qkv.numel() + 2 * n.mean().numel() + g.dgamma().numel() + g.dbeta().numel()));
    }

    @org.junit.jupiter.api.Test
    void badIdsFailWithTheCpuBackendsMessage() {
        Tensor table = Tensor.zeros(4, 2);
        Tensor logits = Tensor.zeros(3, 4);
        for (float[] bad : List.of(new float[] {0, 4, 1}, new float[] {1, -1, 0}, new float[] {0, 1, 2.5f})) {
            Tensor ids = Tensor.fromArray(bad);
            assertThatThrownBy(() -> DEFAULTS.embedding(table, ids)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage(messageOf(() -> CPU.embedding(table, ids)));
            assertThatThrownBy(() -> DEFAULTS.crossEntropy(logits, ids, -100, 0f))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage(messageOf(() -> CPU.crossEntropy(logits, ids, -100, 0f)));
        }
    }

    private static String messageOf(Runnable failing) {
        try {
            failing.run();
        } catch (IndexOutOfBoundsException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the cpu backend to refuse the ids");
    }
}
