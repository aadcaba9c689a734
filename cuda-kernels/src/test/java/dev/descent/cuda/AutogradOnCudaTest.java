package dev.descent.cuda;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.Functional;
import dev.descent.core.MemoryScope;
import dev.descent.core.Reduction;
import dev.descent.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The same small network (embedding, layer norm, GELU MLP with a shared weight, attention-style softmax, cross-entropy
 * with label smoothing and ignored targets) trained one step through autograd on both backends: loss and every
 * gradient must agree. This exercises the ops' backward rules through the Backend seam, not just the primitives.
 */
@Tag("gpu")
class AutogradOnCudaTest {
    private record Run(Tensor loss, List<Tensor> grads) {
    }

    private static Run forwardBackward(Backend b) {
        int vocab = 50;
        int c = 32;
        Tensor table = Inputs.randn(b, 80, vocab, c).requiresGrad(true);
        Tensor gamma = Inputs.randn(b, 81, c).requiresGrad(true);
        Tensor beta = Inputs.randn(b, 82, c).requiresGrad(true);
        Tensor w1 = Inputs.randn(b, 83, c, 4 * c).requiresGrad(true);
        Tensor w2 = Inputs.randn(b, 84, 4 * c, c).requiresGrad(true);
        Tensor ids = Inputs.ids(b, 85, vocab, 0, 0, 2, 7);
        Tensor targets = Inputs.ids(b, 86, vocab, 5, -100, 2, 7).reshape(14);
        Tensor x = Functional.embedding(table, ids);                                  // (2, 7, 32)
        Tensor h = Functional.layerNorm(x, gamma, beta, 1e-5f);
        Tensor att = h.matmul(h.transpose()).div((float) Math.sqrt(c)).softmax();      // (2, 7, 7)
        Tensor mixed = att.matmul(h);
        Tensor y = mixed.matmul(w1).gelu().matmul(w2).add(x);
        Tensor logits = y.matmul(table.transpose()).reshape(14, vocab);               // tied weights
        Tensor loss = Functional.crossEntropy(logits, targets, Reduction.MEAN, -100, 0.1f);
        loss.backward();
        return new Run(loss, List.of(table.grad(), gamma.grad(), beta.grad(), w1.grad(), w2.grad()));
    }

    @Test
    @SuppressWarnings("try")
    void lossAndGradientsMatchTheCpu() {
        CudaBackend gpu = Gpu.backend();
        Run cpu = forwardBackward(Backends.cpu());
        try (MemoryScope scope = gpu.scope()) {
            Run cuda = forwardBackward(gpu);
            new Close(1e-4, 1e-4).check("loss", cpu.loss(), cuda.loss());
            String[] names = {"table", "gamma", "beta", "w1", "w2"};
            for (int i = 0; i < names.length; i++) {
                new Close(1e-4, 1e-3).check("grad " + names[i], cpu.grads().get(i), cuda.grads().get(i));
            }
        }
    }
}
