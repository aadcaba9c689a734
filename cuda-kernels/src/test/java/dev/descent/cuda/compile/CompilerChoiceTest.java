package dev.descent.cuda.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.cuda.CudaUnavailableException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompilerChoiceTest {
    private static final int[] CUDA12 = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90};
    private static final int[] CUDA13 = {75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121};

    private record Fake(String name, int[] supportedArchs) implements PtxCompiler {
        @Override
        public String compile(KernelSource source, List<String> defines, int arch) {
            return "";
        }
    }

    private static final Supplier<PtxCompiler> NO_NVRTC = () -> {
        throw new CudaUnavailableException("NVRTC is not usable: libnvrtc.so.12: cannot open shared object file");
    };

    @ParameterizedTest
    @CsvSource({"61, 61", "75, 75", "90, 90", "89, 89", "120, 90", "100, 90"})
    void picksTheNewestArchitectureNotAboveTheCard(int card, int chosen) {
        assertThat(PtxCompiler.pickArch(card, CUDA12)).hasValue(chosen);
    }

    @Test
    void nothingFitsWhenEveryTargetIsNewerThanTheCard() {
        assertThat(PtxCompiler.pickArch(61, CUDA13)).isEmpty();
    }

    @Test
    void prefersNvrtcWhenItCanTargetTheCard() {
        CompilerChoice c = CompilerChoice.forDevice(61, () -> new Fake("NVRTC 12.6", CUDA12),
                () -> Optional.of(new Fake("nvcc 13.0", CUDA13)));
        assertThat(c.compiler().name()).isEqualTo("NVRTC 12.6");
        assertThat(c.arch()).isEqualTo(61);
        assertThat(c).hasToString("NVRTC 12.6 -> compute_61");
    }

    @Test
    void fallsBackToNvccWhenNvrtcIsMissing() {
        CompilerChoice c = CompilerChoice.forDevice(90, NO_NVRTC, () -> Optional.of(new Fake("nvcc 13.0", CUDA13)));
        assertThat(c.compiler().name()).isEqualTo("nvcc 13.0");
        assertThat(c.arch()).isEqualTo(90);
    }

    @Test
    void saysPlainlyWhenOnlyCuda13CanBeFoundForAPascalCard() {
        assertThatThrownBy(() -> CompilerChoice.forDevice(61, NO_NVRTC, () -> Optional.of(new Fake("nvcc 13.0", CUDA13))))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessageContaining("compute capability 6.1")
                .hasMessageContaining("libnvrtc.so.12")
                .hasMessageContaining("nvcc 13.0 targets compute_75 to compute_121 and cannot build for compute_61")
                .hasMessageContaining("CUDA 13 removed compute 5.x to 7.0")
                .hasMessageContaining("Install a CUDA 12.x toolkit, or only its NVRTC library");
    }

    @Test
    void saysSoWhenNoCompilerExistsAtAll() {
        assertThatThrownBy(() -> CompilerChoice.forDevice(86, NO_NVRTC, Optional::empty))
                .isInstanceOf(CudaUnavailableException.class)
                .hasMessageContaining("no nvcc on PATH");
    }
}
