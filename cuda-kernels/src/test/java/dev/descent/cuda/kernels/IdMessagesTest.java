package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad id is reported by the CUDA backend in the CPU backend's words: the message is built on the host from the
 * position and value the device recorded, so it is checked here against the CPU backend's own exceptions.
 */
class IdMessagesTest {
    private static final Backend CPU = Backends.cpu();

    @ParameterizedTest
    @ValueSource(floats = {50257f, -1f, 2.5f, -100f, 1e10f, Float.NaN})
    void embeddingIdsAreNamedAsTheCpuNamesThem(float bad) {
        Throwable cpu = catchThrowable(() -> CPU.embedding(CPU.full(Shape.of(50257, 4), 0f),
                CPU.fromArray(new float[] {1, 2, bad, 3}, Shape.of(4))));
        assertThat(cpu).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(CudaIndices.message("embedding", bad, 2, CudaEmbedding.vocabulary(50257))).isEqualTo(cpu.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {7f, -1f, 2.5f, -99f})
    void crossEntropyTargetsAreNamedAsTheCpuNamesThem(float bad) {
        Throwable cpu = catchThrowable(() -> CPU.crossEntropy(CPU.full(Shape.of(3, 7), 0f),
                CPU.fromArray(new float[] {0, -100, bad}, Shape.of(3)), -100, 0f));
        assertThat(cpu).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(CudaIndices.message("crossEntropy", bad, 2, CudaCrossEntropy.classes(7, -100)))
                .isEqualTo(cpu.getMessage());
    }
}
