package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.fail;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.CudaUnavailableException;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A GPT micro-step on the CUDA backend, with the blocks' fused kernels (residual + layer norm, bias + GELU) and the
 * fused classifier: forward and backward never make the host wait for the GPU, and the loss and every parameter's
 * gradient equal the CPU's. Skips without a usable GPU (fails instead under {@code DEVKIT_REQUIRE_GPU=1}).
 */
@Tag("gpu")
class CudaGptMicroStepTest {
    private static final GPTConfig CONFIG = new GPTConfig(67, 16, 2, 2, 32, 0f, false);

    private static Tensor tokens(Backend b, Rng rng, boolean ignoreOne) {
        float[] ids = new float[2 * 16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(CONFIG.vocabSize());
        }
        if (ignoreOne) {
            ids[5] = -100;
        }
        return b.fromArray(ids, dev.descent.core.Shape.of(2, 16));
    }

    @Test
    @SuppressWarnings("try")
    void aMicroStepNeverWaitsForTheGpuAndGivesTheCpusLossAndGradients() {
        Backend previous = Backends.defaultBackend();
        CudaBackend gpu = openOrSkip();
        try {
            GPT onCpu = new GPT(CONFIG, new Rng(3));
            Tensor cpuLoss = onCpu.loss(tokens(Backends.cpu(), new Rng(4), false), tokens(Backends.cpu(), new Rng(5), true));
            cpuLoss.backward();
            Backends.setDefault(gpu);
            GPT onGpu = new GPT(CONFIG, new Rng(3));
            try (MemoryScope step = gpu.scope()) {
                Tensor idx = tokens(gpu, new Rng(4), false);
                Tensor targets = tokens(gpu, new Rng(5), true);
                gpu.synchronize();
                long waits = gpu.device().synchronizations();
                Tensor loss = onGpu.loss(idx, targets);
                loss.backward();
                assertThat(gpu.device().synchronizations()).as("host waits in forward and backward").isEqualTo(waits);
                assertThat((double) loss.item()).isCloseTo(cpuLoss.item(), within(1e-4));
                Map<String, Tensor> expected = onCpu.namedParameters();
                onGpu.namedParameters().forEach((name, p) -> {
                    float[] a = p.grad().toArray();
                    float[] e = expected.get(name).grad().toArray();
                    for (int i = 0; i < a.length; i++) {
                        assertThat((double) a[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(1e-4 + 1e-3 * Math.abs(e[i])));
                    }
                });
            }
        } finally {
            Backends.setDefault(previous);
        }
    }

    private static CudaBackend openOrSkip() {
        try {
            return CudaBackend.create();
        } catch (CudaUnavailableException e) {
            if ("1".equals(System.getenv("DEVKIT_REQUIRE_GPU"))) {
                fail("no usable CUDA GPU (DEVKIT_REQUIRE_GPU=1: failing instead of skipping): " + e.getMessage(), e);
            }
            return Assumptions.abort("no usable CUDA GPU: " + e.getMessage());
        }
    }
}
