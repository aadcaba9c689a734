package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.BinaryOp;
import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.doctor.Doctor;
import dev.descent.cuda.memory.CudaTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the CUDA backend promises beyond matching numbers: memory release, the cap, determinism, clear errors. */
@Tag("gpu")
class CudaBackendBehaviourTest {
    @Test
    void aScopeGivesBackEveryTensorMadeInsideButTheKeptOnes() {
        CudaBackend gpu = Gpu.backend();
        Tensor x;
        Tensor y;
        Tensor kept;
        try (MemoryScope scope = gpu.scope()) {
            x = gpu.randn(Shape.of(256, 256), new dev.descent.core.Rng(1));
            y = gpu.binary(BinaryOp.MUL, x, x);
            kept = gpu.reduce(dev.descent.core.ReduceOp.SUM, y, 1);
            scope.keep(kept);
        }
        assertThat(CudaTensors.bufferOf(x).isReleased()).isTrue();
        assertThat(CudaTensors.bufferOf(y).isReleased()).isTrue();
        assertThat(CudaTensors.bufferOf(kept).isReleased()).isFalse();
        assertThat(kept.toArray()).hasSize(256);
        kept.storage().release();
        assertThat(CudaTensors.bufferOf(kept).isReleased()).isTrue();
        assertThatThrownBy(kept::toArray).hasMessageContaining("used after it was released");
    }

    @Test
    void backwardOnTheDeviceHoldsAFewGradientsWhateverTheDepth() {
        CudaBackend gpu = Gpu.backend();
        int n = 1 << 20;
        long shallow = backwardPeak(gpu, n, 8);
        long deep = backwardPeak(gpu, n, 32);
        assertThat(deep).isEqualTo(shallow);
        assertThat(deep).isLessThanOrEqualTo(6L * 4 * n);
    }

    private static long backwardPeak(CudaBackend gpu, int n, int depth) {
        Tensor x = gpu.rand(Shape.of(n), new dev.descent.core.Rng(5)).requiresGrad(true);
        try (MemoryScope step = gpu.scope()) {
            Tensor y = x;
            for (int i = 0; i < depth; i++) {
                y = y.tanh();
            }
            Tensor loss = y.sum();
            gpu.resetPeakMemory();
            long atStart = gpu.memory().liveBytes();
            loss.backward();
            step.keep(x.grad());
            return gpu.memory().peakBytes() - atStart;
        } finally {
            x.zeroGrad();
            x.storage().release();
        }
    }

    @Test
    @SuppressWarnings("try")
    void theInPlacePrimitivesMatchTheCpu() {
        CudaBackend gpu = Gpu.backend();
        try (MemoryScope scope = gpu.scope()) {
            Tensor dst = Inputs.randn(gpu, 80, 3, 5, 7);
            Tensor src = Inputs.randn(gpu, 81, 5, 1);
            Tensor expected = Backends.cpu().binary(BinaryOp.ADD, dst.to(Backends.cpu()), src.to(Backends.cpu()));
            gpu.addInto(dst, src);
            assertThat(dst.toArray()).containsExactly(expected.toArray());
            gpu.scaleInPlace(dst, 0.25f);
            assertThat(dst.toArray()).containsExactly(Backends.cpu().binaryScalar(BinaryOp.MUL, expected, 0.25f).toArray());
        }
    }

    @Test
    void theVramCapStopsAllocationsWithABreakdown() {
        Gpu.backend();
        try (CudaBackend capped = CudaBackend.create(CudaOptions.defaults().withVramLimit("64m"))) {
            Tensor a = capped.full(Shape.of(8 << 20), 1f);                       // 32 MiB
            assertThatThrownBy(() -> capped.full(Shape.of(10 << 20), 1f))      // 40 MiB more
                    .isInstanceOf(CudaOutOfMemoryError.class)
                    .hasMessageContaining("cap of 64.00 MiB")
                    .hasMessageContaining("32.00 MiB live");
            assertThat(a.toArray()[0]).isEqualTo(1f);
        }
    }

    @Test
    @SuppressWarnings("try")
    void embeddingBackwardIsBitwiseDeterministic() {
        CudaBackend gpu = Gpu.backend();
        try (MemoryScope scope = gpu.scope()) {
            Tensor g = Inputs.randn(gpu, 70, 4, 512, 64);
            Tensor ids = Inputs.ids(gpu, 71, 3, 0, 0, 4, 512);          // three ids, each repeated ~680 times
            float[] first = gpu.embeddingBackward(g, ids, 50257).toArray();
            for (int run = 0; run < 3; run++) {
                assertThat(gpu.embeddingBackward(g, ids, 50257).toArray()).containsExactly(first);
            }
        }
    }

    @Test
    @SuppressWarnings("try")
    void attentionBackwardIsBitwiseDeterministicAndHeadSizeIsCapped() {
        CudaBackend gpu = Gpu.backend();
        try (MemoryScope scope = gpu.scope()) {
            Tensor qkv = Inputs.randn(gpu, 72, 2, 300, 3 * 128);
            Backend.AttentionResult r = gpu.attention(qkv, 2);
            Tensor dout = Inputs.randn(gpu, 73, 2, 300, 128);
            float[] first = gpu.attentionBackward(dout, qkv, r.out(), r.lse(), 2).toArray();
            for (int run = 0; run < 3; run++) {
                assertThat(gpu.attentionBackward(dout, qkv, r.out(), r.lse(), 2).toArray()).containsExactly(first);
            }
            assertThatThrownBy(() -> gpu.attention(Inputs.randn(gpu, 74, 1, 4, 3 * 129), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head size 129")
                    .hasMessageContaining("limit of 128");
        }
    }

    @Test
    @SuppressWarnings("try")
    void badIdsAreReportedLikeTheCpuBackendDoes() {
        CudaBackend gpu = Gpu.backend();
        float[] ids = {1, 2, 50257, 3};
        String cpu = messageOf(() -> Backends.cpu().embedding(Backends.cpu().full(Shape.of(50257, 4), 0f),
                Backends.cpu().fromArray(ids, Shape.of(4))));
        try (MemoryScope scope = gpu.scope()) {
            assertThatThrownBy(() -> gpu.embedding(gpu.full(Shape.of(50257, 4), 0f), gpu.fromArray(ids, Shape.of(4))))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessage(cpu);
            float[] targets = {0, -100, 2.5f};
            String cpuCe = messageOf(() -> Backends.cpu().crossEntropy(Backends.cpu().full(Shape.of(3, 7), 0f),
                    Backends.cpu().fromArray(targets, Shape.of(3)), -100, 0f));
            assertThatThrownBy(() -> gpu.crossEntropy(gpu.full(Shape.of(3, 7), 0f), gpu.fromArray(targets, Shape.of(3)),
                    -100, 0f)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage(cpuCe);
            assertThatThrownBy(() -> gpu.crossEntropyInPlace(gpu.full(Shape.of(3, 7), 0f),
                    gpu.fromArray(targets, Shape.of(3)), -100)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage(cpuCe);
        }
    }

    @Test
    void withoutSyncEveryLaunchABadIdIsReportedAtTheNextReadOfTheDevice() {
        CudaBackend gpu = Gpu.asynchronous();
        float[] ids = {1, 2, 50257, 3};
        String cpu = messageOf(() -> Backends.cpu().embedding(Backends.cpu().full(Shape.of(50257, 4), 0f),
                Backends.cpu().fromArray(ids, Shape.of(4))));
        try (MemoryScope scope = gpu.scope()) {
            Tensor table = gpu.full(Shape.of(50257, 4), 1f);
            Tensor rows = gpu.embedding(table, gpu.fromArray(ids, Shape.of(4)));      // queued, not checked yet
            Tensor other = gpu.full(Shape.of(3), 2f);
            assertThatThrownBy(other::toArray).isInstanceOf(IndexOutOfBoundsException.class).hasMessage(cpu);
            assertThat(other.toArray()).containsExactly(2f, 2f, 2f);                  // reported once
            assertThat(rows.toArray()).hasSize(16);
        }
    }

    @Test
    void aMicroStepOfUploadsEmbeddingAndCrossEntropyNeverWaitsForTheGpu() {
        CudaBackend gpu = Gpu.asynchronous();
        int vocab = 300;
        int c = 32;
        try (MemoryScope scope = gpu.scope()) {
            Tensor table = Inputs.randn(gpu, 90, vocab, c);
            gpu.synchronize();
            long waits = gpu.device().synchronizations();
            long launches = gpu.device().launches();
            Tensor loss = null;
            for (int step = 0; step < 20; step++) {                               // 60 uploads: the ring wraps
                Tensor ids = Inputs.ids(gpu, 91 + step, vocab, 0, 0, 2, 64);
                Tensor targets = Inputs.ids(gpu, 191 + step, vocab, 5, -100, 128);
                Tensor x = gpu.embedding(table, ids).reshape(128, c);
                Tensor logits = gpu.matmul(x, table, false, true);
                loss = gpu.crossEntropyInPlace(logits, targets, -100);
                gpu.embeddingBackward(gpu.matmul(logits, table, false, false).reshape(2, 64, c), ids, vocab);
            }
            assertThat(gpu.device().synchronizations()).as("host waits inside 20 micro-steps").isEqualTo(waits);
            assertThat(gpu.device().launches()).isGreaterThan(launches + 20 * 6);
            Tensor cpuLogits = Backends.cpu().matmul(Backends.cpu().embedding(table.to(Backends.cpu()),
                    Inputs.ids(Backends.cpu(), 91 + 19, vocab, 0, 0, 2, 64)).reshape(128, c), table.to(Backends.cpu()),
                    false, true);
            Tensor want = Backends.cpu().crossEntropyInPlace(cpuLogits, Inputs.ids(Backends.cpu(), 191 + 19, vocab, 5,
                    -100, 128), -100);
            new Close(1e-4, 1e-4).check("the last micro-step's loss", want, loss);
        }
    }

    @Test
    void smallUploadsArriveIntactWhileTheStagingRingGoesRound() {
        CudaBackend gpu = Gpu.asynchronous();
        try (MemoryScope scope = gpu.scope()) {
            List<Tensor> uploaded = new ArrayList<>();
            List<float[]> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                float[] v = Backends.cpu().randn(Shape.of(1000 + i), new dev.descent.core.Rng(300 + i)).toArray();
                uploaded.add(gpu.binaryScalar(BinaryOp.MUL, gpu.fromArray(v, Shape.of(v.length)), 1f));
                Arrays.fill(v, Float.NaN);                             // the caller may reuse its array
                sent.add(Backends.cpu().randn(Shape.of(1000 + i), new dev.descent.core.Rng(300 + i)).toArray());
            }
            for (int i = 0; i < 50; i++) {
                assertThat(uploaded.get(i).toArray()).as("upload %d", i).containsExactly(sent.get(i));
            }
        }
    }

    private static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected an exception");
    }

    @Test
    void aCpuTensorHandedToTheGpuSaysWhereItLives() {
        CudaBackend gpu = Gpu.backend();
        assertThatThrownBy(() -> gpu.unary(dev.descent.core.UnaryOp.EXP, Tensor.zeros(3)))
                .hasMessageContaining("was handed a tensor on cpu");
    }

    @Test
    void theDeviceIsDescribed() {
        CudaBackend gpu = Gpu.backend();
        assertThat(gpu.name()).isEqualTo("cuda:0");
        assertThat(gpu.deviceInfo().arch()).isGreaterThanOrEqualTo(50);
        assertThat(Doctor.examine().usable()).isTrue();
    }
}
