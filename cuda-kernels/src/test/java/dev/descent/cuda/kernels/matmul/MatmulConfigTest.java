package dev.descent.cuda.kernels.matmul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.cuda.kernels.LaunchShape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Matmul engines and tile configurations: names, macros, and the launch geometry they imply. */
class MatmulConfigTest {
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
    void theSweepCompilesAsOneModulePerPositionNotOnePerConfiguration() {
        List<List<String>> modules = MatmulConfig.sweepModules();
        int longest = 0;
        int configurations = 0;
        for (MatmulEngine v : MatmulEngine.values()) {
            if (v != MatmulEngine.CUBLAS) {
                List<MatmulConfig> sweep = MatmulConfig.variants(v);
                longest = Math.max(longest, sweep.size());
                configurations += sweep.size();
                for (int slot = 0; slot < sweep.size(); slot++) {
                    MatmulConfig c = sweep.get(slot);
                    assertThat(c.moduleDefines()).as(c.label()).isEqualTo(modules.get(slot)).containsAll(c.defines());
                }
                assertThat(MatmulConfig.defaults(v).moduleDefines()).isEqualTo(modules.get(0));
            }
        }
        assertThat(modules).hasSize(longest);
        assertThat(configurations).isEqualTo(23);
        MatmulConfig outside = new MatmulConfig(MatmulEngine.V4_REGISTER_1D, 32, 64, 8, 8, 1);
        assertThat(outside.moduleDefines()).isEqualTo(outside.defines());
    }
}
