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
        assertThat(MatmulEngine.parse("v7")).isEqualTo(MatmulEngine.V7_WARP_TILED);
        assertThatThrownBy(() -> MatmulEngine.parse("v8")).hasMessageContaining("v1, v2, v3, v4, v5, v6, v7 or cublas");
    }

    @ParameterizedTest
    @EnumSource(value = MatmulEngine.class, names = {"V7_WARP_TILED", "CUBLAS"}, mode = EnumSource.Mode.EXCLUDE)
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
        assertThatThrownBy(() -> MatmulConfig.defaults(MatmulEngine.V7_WARP_TILED))
                .hasMessageContaining("picks its tiles per shape");
        assertThat(MatmulConfig.defaults(MatmulEngine.V5_REGISTER_2D).label()).isEqualTo("v5 BM128 BN128 BK8 TM8 TN8");
        assertThat(MatmulConfig.defaults(MatmulEngine.V2_COALESCED).defines()).isEqualTo(List.of("V2_BS=16"));
    }

    @Test
    void theSweepCompilesAsOneModulePerPositionNotOnePerConfiguration() {
        List<List<String>> modules = MatmulConfig.sweepModules();
        int longest = 0;
        int configurations = 0;
        for (MatmulEngine v : MatmulEngine.values()) {
            if (v.tiledByMacros()) {
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

    @Test
    void v7TakesTheLargeTilesOnlyWhereTheyStillFillTheGpu() {
        int h100 = 132;
        int gtx1070ti = 19;
        assertThat(MatmulV7Tile.choose(2048, 2304, 1, h100)).isEqualTo(MatmulV7Tile.LARGE);     // 288 large blocks
        assertThat(MatmulV7Tile.choose(2048, 768, 1, h100)).isEqualTo(MatmulV7Tile.SMALL);      // 96
        assertThat(MatmulV7Tile.choose(2048, 50304, 1, h100)).isEqualTo(MatmulV7Tile.LARGE);
        assertThat(MatmulV7Tile.choose(2048, 768, 1, gtx1070ti)).isEqualTo(MatmulV7Tile.LARGE);
        assertThat(MatmulV7Tile.choose(1, 1, 1, gtx1070ti)).isEqualTo(MatmulV7Tile.SMALL);
        for (MatmulV7Tile tile : MatmulV7Tile.values()) {
            LaunchShape s = tile.shape(1000, 50257, 3);
            int bm = tile == MatmulV7Tile.LARGE ? 128 : 64;
            assertThat((long) s.gridY() * bm).isBetween(1000L, 1000L + bm - 1);
            assertThat((long) s.gridX() * bm).isBetween(50257L, 50257L + bm - 1);
            assertThat(s.gridZ()).isEqualTo(3);
            assertThat(s.blockX()).isEqualTo(256);
        }
    }
}
