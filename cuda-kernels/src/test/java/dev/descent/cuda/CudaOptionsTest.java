package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.cuda.kernels.AttentionVersion;
import dev.descent.cuda.kernels.SoftmaxVersion;
import dev.descent.cuda.kernels.matmul.MatmulEngine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options from the environment and named changes. */
class CudaOptionsTest {
    @Test
    void optionsComeFromTheEnvironment() {
        CudaOptions o = CudaOptions.fromEnvironment(Map.of("DESCENT_VRAM_LIMIT", "8g", "DESCENT_MATMUL", "cublas",
                "DESCENT_CUDA_SYNC", "1", "DESCENT_CUDA_DEVICE", "1", "DESCENT_ATTENTION", "v2"));
        assertThat(o.vramLimitBytes()).isEqualTo(8L << 30);
        assertThat(o.matmul()).isEqualTo(MatmulEngine.CUBLAS);
        assertThat(o.syncEveryLaunch()).isTrue();
        assertThat(o.device()).isEqualTo(1);
        assertThat(o.attention()).isEqualTo(AttentionVersion.V2_TILED);
        CudaOptions d = CudaOptions.fromEnvironment(Map.of());
        assertThat(d.vramLimitBytes()).isZero();
        assertThat(d.matmul()).isEqualTo(MatmulEngine.V6_VECTORIZED);
        assertThat(d.attention()).isEqualTo(AttentionVersion.V1_WARP_PER_ROW);
        assertThat(d.softmax()).isEqualTo(SoftmaxVersion.V3_ONLINE);
        assertThat(d.withVramLimit("7.5g").vramLimitBytes()).isEqualTo(8053063680L);
    }
}
