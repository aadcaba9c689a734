package dev.descent.cuda.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.cuda.kernels.CudaSources;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelSourceTest {
    @Test
    void everyCudaFileShipsInTheJarWithItsHeaders() {
        List<String> files = CudaSources.files(".cu");
        assertThat(files).contains("matmul.cu", "softmax.cu", "layernorm.cu", "elementwise.cu", "optim.cu");
        for (String f : files) {
            KernelSource s = KernelSource.load(f);
            assertThat(s.text()).isEqualTo(CudaSources.read(f));
            assertThat(s.headers()).containsOnlyKeys("common.cuh");
            assertThat(s.headers().get("common.cuh")).isEqualTo(CudaSources.read("common.cuh"));
        }
    }

    @Test
    void hashChangesWithDefinesAndTargetButNotBetweenLoads() {
        KernelSource a = KernelSource.load("matmul.cu");
        String base = a.hash(List.of(), "nvcc/compute_75");
        assertThat(KernelSource.load("matmul.cu").hash(List.of(), "nvcc/compute_75")).isEqualTo(base).hasSize(64);
        assertThat(a.hash(List.of("V6_BM=64"), "nvcc/compute_75")).isNotEqualTo(base);
        assertThat(a.hash(List.of(), "nvcc/compute_61")).isNotEqualTo(base);
        KernelSource edited = new KernelSource(a.file(), a.text() + "\n", a.headers());
        assertThat(edited.hash(List.of(), "nvcc/compute_75")).isNotEqualTo(base);
    }

    @Test
    void aMissingSourceSaysWhereItWasLookedFor() {
        assertThatThrownBy(() -> KernelSource.load("nope.cu")).hasMessageContaining("/cuda/nope.cu");
    }
}
