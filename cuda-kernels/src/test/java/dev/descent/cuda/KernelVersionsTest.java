package dev.descent.cuda;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.kernels.matmul.CublasMatmul;
import dev.descent.cuda.kernels.matmul.MatmulConfig;
import dev.descent.cuda.kernels.matmul.MatmulEngine;
import dev.descent.cuda.kernels.matmul.MatmulV7Tile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every matmul version in every tile configuration the benchmark sweeps (v7 in both tile sizes and every
 * transposition), launched directly, against the CPU reference: sizes that fill no tile, sizes where float4 loads
 * apply to A, to B, to both or to neither, and a batch (grid z with element strides).
 */
@Tag("gpu")
class KernelVersionsTest {
    /** M, K, N: tiny, odd, K%4 == 0 only, N%4 == 0 only, both (the vector path), a GPT-2 projection. */
    private static final int[][] SIZES = {{1, 1, 1}, {7, 33, 1}, {33, 7, 1000}, {33, 64, 1001}, {65, 129, 256},
        {129, 256, 260}, {2048, 768, 768}};

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (MatmulEngine v : MatmulEngine.values()) {
            if (v.tiledByMacros()) {
                for (MatmulConfig c : MatmulConfig.variants(v)) {
                    for (int[] s : SIZES) {
                        out.add(Arguments.of(c.label(), c, s[0], s[1], s[2]));
                    }
                }
            }
        }
        return out.stream();
    }

    /** Operands and CPU product per size, computed once: the CPU product is the slow part of this test. */
    private record Product(Tensor a, Tensor b, Tensor expected) {
    }

    private static final Map<String, Product> PRODUCTS = new ConcurrentHashMap<>();

    private static Product product(int batch, int m, int k, int n) {
        return PRODUCTS.computeIfAbsent(batch + "x" + m + "x" + k + "x" + n, key -> {
            Tensor a = Inputs.randn(Backends.cpu(), 60, batch, m, k);
            Tensor b = Inputs.randn(Backends.cpu(), 61, batch, k, n);
            return new Product(a, b, Backends.cpu().matmul(a, b, false, false));
        });
    }

    @ParameterizedTest(name = "{0} M{2} K{3} N{4}")
    @MethodSource("configs")
    @SuppressWarnings("try")
    void matchesTheCpuProduct(String label, MatmulConfig config, int m, int k, int n) {
        CudaBackend gpu = Gpu.backend();
        int batch = 3;
        Product p = product(batch, m, k, n);
        Tensor a = p.a();
        Tensor b = p.b();
        Tensor expected = p.expected();
        try (MemoryScope scope = gpu.scope()) {
            Tensor out = gpu.full(Shape.of(batch, m, n), Float.NaN);
            gpu.matmuls().multiply(config, m, n, k, batch, a.to(gpu), b.to(gpu), out, m * k, k * n, m * n);
            new Close(1e-5 * k, 1e-4).check(label + " M" + m + " K" + k + " N" + n, expected, out);
        }
    }

    static Stream<Arguments> v7Cases() {
        List<Arguments> out = new ArrayList<>();
        for (MatmulV7Tile tile : MatmulV7Tile.values()) {
            for (int t = 0; t < 4; t++) {
                for (int[] s : SIZES) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    out.add(Arguments.of(tile.label() + (ta ? " transA" : "") + (tb ? " transB" : ""), tile, ta, tb, s[0],
                            s[1], s[2]));
                }
            }
        }
        return out.stream();
    }

    /** v7 in both tile sizes, every operand read in place as stored: A as (K, M) with transA, B as (N, K) with transB. */
    @ParameterizedTest(name = "{0} M{4} K{5} N{6}")
    @MethodSource("v7Cases")
    void v7MatchesTheCpuProductReadingTransposedOperandsInPlace(String label, MatmulV7Tile tile, boolean transA,
                                                                boolean transB, int m, int k, int n) {
        CudaBackend gpu = Gpu.backend();
        int batch = 3;
        Product p = product(batch, m, k, n);
        int[] swap = {0, 2, 1};
        Tensor a = transA ? Backends.cpu().permute(p.a(), swap) : p.a();
        Tensor b = transB ? Backends.cpu().permute(p.b(), swap) : p.b();
        try (MemoryScope scope = gpu.scope()) {
            Tensor out = gpu.full(Shape.of(batch, m, n), Float.NaN);
            gpu.matmuls().multiply(tile, m, n, k, batch, a.to(gpu), b.to(gpu), out, m * k, k * n, m * n, transA, transB);
            new Close(1e-5 * k, 1e-4).check(label + " M" + m + " K" + k + " N" + n, p.expected(), out);
        }
    }

    @ParameterizedTest(name = "cuBLAS M{0} K{1} N{2}")
    @MethodSource("sizes")
    @SuppressWarnings("try")
    void cublasBaselineMatchesTheCpuProduct(int m, int k, int n) {
        CudaBackend gpu = Gpu.backend();
        CublasMatmul cublas = Gpu.cublas();
        Product p = product(3, m, k, n);
        try (MemoryScope scope = gpu.scope()) {
            Tensor out = gpu.full(Shape.of(3, m, n), Float.NaN);
            cublas.gemm(false, false, m, n, k, 3, p.a().to(gpu), (long) m * k, p.b().to(gpu), (long) k * n, out,
                    (long) m * n);
            new Close(1e-5 * k, 1e-4).check("cuBLAS M" + m + " K" + k + " N" + n, p.expected(), out);
        }
    }

    static Stream<Arguments> sizes() {
        return Stream.of(SIZES).map(s -> Arguments.of(s[0], s[1], s[2]));
    }
}
