package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Options, engines, matmul tile configurations and launch shapes: the host-side arithmetic of a launch. */
class ConfigurationTest {
    @Test
    void optionsComeFromTheEnvironment() {
        CudaOptions o = CudaOptions.fromEnvironment(Map.of("DESCENT_VRAM_LIMIT", "8g", "DESCENT_MATMUL", "cublas",
                "DESCENT_CUDA_SYNC", "1", "DESCENT_CUDA_DEVICE", "1"));
        assertThat(o.vramLimitBytes()).isEqualTo(8L << 30);
        assertThat(o.matmul()).isEqualTo(MatmulEngine.CUBLAS);
        assertThat(o.syncEveryLaunch()).isTrue();
        assertThat(o.device()).isEqualTo(1);
        CudaOptions d = CudaOptions.fromEnvironment(Map.of());
        assertThat(d.vramLimitBytes()).isZero();
        assertThat(d.matmul()).isEqualTo(MatmulEngine.V6_VECTORIZED);
        assertThat(d.softmax()).isEqualTo(SoftmaxVersion.V3_ONLINE);
        assertThat(d.withVramLimit("7.5g").vramLimitBytes()).isEqualTo(8053063680L);
    }

    @Test
    void enginesParseFromShortNames() {
        assertThat(MatmulEngine.parse("v1")).isEqualTo(MatmulEngine.V1_NAIVE);
        assertThat(MatmulEngine.parse(" V5 ")).isEqualTo(MatmulEngine.V5_REGISTER_2D);
        assertThat(MatmulEngine.parse("v6_vectorized")).isEqualTo(MatmulEngine.V6_VECTORIZED);
        assertThat(MatmulEngine.parse("cuBLAS")).isEqualTo(MatmulEngine.CUBLAS);
        assertThatThrownBy(() -> MatmulEngine.parse("v7")).hasMessageContaining("v1, v2, v3, v4, v5, v6 or cublas");
    }

    @ParameterizedTest
    @EnumSource(value = MatmulEngine.class, names = "CUBLAS", mode = EnumSource.Mode.EXCLUDE)
    void everyTileConfigurationCoversTheOutputAndNamesItsMacros(MatmulEngine version) {
        for (MatmulConfig c : MatmulConfig.variants(version)) {
            assertThat(c.version()).isEqualTo(version);
            assertThat(c.threads()).isBetween(32, 1024);
            assertThat(c.defines()).allMatch(d -> d.startsWith("V" + (version.ordinal() + 1) + "_"));
            int[][] sizes = {{1, 1}, {7, 33}, {1000, 50257}, {2048, 768}};
            for (int[] mn : sizes) {
                LaunchShape s = c.shape(mn[0], mn[1], 3);
                boolean rowsOnX = version == MatmulEngine.V1_NAIVE;
                long rowsCovered = (long) (rowsOnX ? s.gridX() : s.gridY()) * c.bm();
                long colsCovered = (long) (rowsOnX ? s.gridY() * c.bm() : s.gridX() * c.bn());
                assertThat(rowsCovered).as(c.label()).isGreaterThanOrEqualTo(mn[0]).isLessThan(mn[0] + c.bm());
                assertThat(colsCovered).as(c.label()).isGreaterThanOrEqualTo(mn[1]);
                assertThat(s.gridZ()).isEqualTo(3);
                assertThat((long) s.blockX() * s.blockY()).isEqualTo(c.threads());
            }
        }
    }

    @Test
    void tileConfigurationsRejectImpossibleShapes() {
        assertThatThrownBy(() -> new MatmulConfig(MatmulEngine.V6_VECTORIZED, 128, 128, 6, 8, 8))
                .hasMessageContaining("multiples of 4");
        assertThatThrownBy(() -> new MatmulConfig(MatmulEngine.V3_SHARED_TILES, 64, 64, 64, 1, 1))
                .hasMessageContaining("4096 threads");
        assertThatThrownBy(() -> new MatmulConfig(MatmulEngine.V5_REGISTER_2D, 128, 128, 8, 3, 8))
                .hasMessageContaining("divisible");
        assertThatThrownBy(() -> MatmulConfig.defaults(MatmulEngine.CUBLAS)).hasMessageContaining("cuBLAS");
        assertThat(MatmulConfig.defaults(MatmulEngine.V5_REGISTER_2D).label()).isEqualTo("v5 BM128 BN128 BK8 TM8 TN8");
        assertThat(MatmulConfig.defaults(MatmulEngine.V2_COALESCED).defines()).isEqualTo(List.of("V2_BS=16"));
    }

    @Test
    void launchShapesRespectCudaLimits() {
        assertThat(LaunchShape.strided(1, 256)).hasToString("<<<(1, 1, 1), (256, 1, 1)>>>");
        assertThat(LaunchShape.strided(0, 256).gridX()).isEqualTo(1);
        assertThat(LaunchShape.strided(1L << 40, 256).gridX()).isEqualTo(LaunchShape.MAX_STRIDED_BLOCKS);
        assertThat(LaunchShape.covering(1000, 256).gridX()).isEqualTo(4);
        assertThatThrownBy(() -> new LaunchShape(1, 70_000, 1, 32, 1, 1)).hasMessageContaining("65535");
        assertThatThrownBy(() -> new LaunchShape(1, 1, 1, 64, 32, 1)).hasMessageContaining("1024 threads");
        assertThatThrownBy(() -> new LaunchShape(0, 1, 1, 1, 1, 1)).hasMessageContaining("positive");
    }

    @Test
    void launchArgumentsAreCheckedAgainstTheKernelSignature() {
        CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1 << 20), 0);
        DeviceBuffer buf = alloc.allocate(64);
        Kernels.UNARY.checkArgs(new Object[] {1, 16, buf, null});
        assertThatThrownBy(() -> Kernels.UNARY.checkArgs(new Object[] {1, 16, buf}))
                .hasMessageContaining("unary_f32 takes 4 arguments (iipp), got 3");
        assertThatThrownBy(() -> Kernels.BINARY_SCALAR.checkArgs(new Object[] {1, 16, buf, 2.0, buf}))
                .hasMessageContaining("argument 3 must be 'f'");
        assertThatThrownBy(() -> Kernels.GATHER.checkArgs(new Object[] {1, new int[33], buf, buf}))
                .hasMessageContaining("argument 1 must be 's'");
        assertThatThrownBy(() -> new KernelSpec("x.cu", "k", "ipq")).hasMessageContaining("i, f, p or s");
    }
}
