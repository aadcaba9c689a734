package dev.descent.core;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ops chained into the blocks a transformer is built from, gradient-checked end to end. */
class CompositionTest {

    /**
     * One causal self-attention block with a residual, layer norm, a GELU MLP and a cross-entropy head:
     * x (B, T, C), the weights (C, C), gamma and beta (C), the head (C, V), targets (B, T). With C this small a
     * row of the residual stream can be nearly constant, where layer norm bends sharply, so the step is 10⁻³.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void attentionBlockWithCrossEntropyHead(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int b = shapes.oneOf(1, 2);
        int t = shapes.oneOf(1, 3);
        int c = shapes.oneOf(2, 3);
        int v = shapes.oneOf(2, 5);
        RandomTensors values = new RandomTensors(rng);
        Tensor causal = Tensor.ones(t, t).sub(lowerTriangle(t));
        Tensor targets = values.integers(v, b, t);
        float scale = (float) (1 / Math.sqrt(c));
        GradCheck.of("attention block", seed).step(1e-3).check(in -> {
            Tensor x = in.get(0);
            Tensor q = x.matmul(in.get(1));
            Tensor k = x.matmul(in.get(2));
            Tensor att = Functional.maskedFill(q.matmul(k.transpose()).mul(scale), causal, Float.NEGATIVE_INFINITY)
                    .softmax();
            Tensor h = x.add(att.matmul(x.matmul(in.get(3))));
            Tensor n = Functional.layerNorm(h, in.get(4), in.get(5), 1e-5f);
            Tensor logits = n.add(n.matmul(in.get(1)).geluExact()).matmul(in.get(6));
            return Functional.crossEntropy(logits, targets, Reduction.MEAN, Functional.DEFAULT_IGNORE_INDEX, 0.1f);
        }, List.of(values.normal(1, b, t, c), values.normal(0.5f, c, c), values.normal(0.5f, c, c),
                values.normal(0.5f, c, c), values.normal(1, c).add(1), values.normal(1, c), values.normal(1, c, v)));
    }

    /** A two-layer tanh MLP with a bias broadcast over the batch, summed-and-max pooled. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.descent.core.Seeds#fifty")
    void mlpWithBroadcastBiasAndPooling(long seed) {
        Rng rng = new Rng(seed);
        RandomShapes shapes = new RandomShapes(rng);
        int batch = shapes.dim();
        int in = shapes.dim();
        int hidden = shapes.dim();
        RandomTensors values = new RandomTensors(rng);
        GradCheck.of("mlp", seed).check(p -> {
            Tensor h = p.get(0).matmul(p.get(1)).add(p.get(2)).tanh();
            Tensor y = h.matmul(p.get(1).transpose()).sigmoid();
            return y.sum(0, false).add(h.mean(1, true).sum(0, false).mul(2)).logSoftmax();
        }, List.of(values.normal(1, batch, in), values.normal(1, in, hidden), values.normal(1, hidden)));
    }

    /** 1 on and below the diagonal of a (t, t) matrix. */
    private static Tensor lowerTriangle(int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                m[i * t + j] = 1;
            }
        }
        return Tensor.fromArray(m, t, t);
    }
}
