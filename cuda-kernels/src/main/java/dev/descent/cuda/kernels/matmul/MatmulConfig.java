package dev.descent.cuda.kernels.matmul;

import dev.descent.cuda.kernels.LaunchShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tile sizes of one hand-written matmul version, passed to {@code matmul.cu} as {@code -D} macros, and the launch
 * geometry they imply. v1/v2 use a BS×BS block ({@code bm = bn = BS}); v3 a TILE×TILE tile ({@code bm = bn = bk});
 * v4 BM, BN, BK, TM; v5 and v6 BM, BN, BK, TM, TN. Unused sizes are 1.
 */
public record MatmulConfig(MatmulEngine version, int bm, int bn, int bk, int tm, int tn) {

    public MatmulConfig {
        if (!version.tiledByMacros()) {
            throw new IllegalArgumentException(version == MatmulEngine.CUBLAS ? "cuBLAS has no tile configuration"
                    : "matmul " + version.shortName() + " picks its tiles per shape (MatmulV7Tile), not by macros");
        }
        if (bm < 1 || bn < 1 || bk < 1 || tm < 1 || tn < 1 || bm % tm != 0 || bn % tn != 0) {
            throw new IllegalArgumentException("matmul " + version.shortName() + ": tile sizes must be positive and "
                    + "BM, BN divisible by TM, TN: " + sizes(bm, bn, bk, tm, tn));
        }
        boolean square = version == MatmulEngine.V1_NAIVE || version == MatmulEngine.V2_COALESCED;
        if (square && bm != bn || version == MatmulEngine.V3_SHARED_TILES && (bm != bn || bm != bk)) {
            throw new IllegalArgumentException("matmul " + version.shortName() + " needs square tiles: "
                    + sizes(bm, bn, bk, tm, tn));
        }
        if (version == MatmulEngine.V6_VECTORIZED && (bm % 4 | bn % 4 | bk % 4 | tm % 4 | tn % 4) != 0) {
            throw new IllegalArgumentException("matmul v6 moves float4s: BM, BN, BK, TM, TN must be multiples of 4, got "
                    + sizes(bm, bn, bk, tm, tn));
        }
        long threads = threads(version, bm, bn, tm, tn);
        if (threads > 1024) {
            throw new IllegalArgumentException("matmul " + version.shortName() + " " + sizes(bm, bn, bk, tm, tn)
                    + " needs " + threads + " threads per block; the limit is 1024");
        }
    }

    /** For each configuration of the sweep, the macros of the module it is launched from (see {@link #moduleDefines}). */
    private static final Map<MatmulConfig, List<String>> SWEEP_MODULES = sweepModulesByConfig();

    /** The configuration the backend uses for {@code version}. */
    public static MatmulConfig defaults(MatmulEngine version) {
        switch (version) {
            case V1_NAIVE:
            case V2_COALESCED:
                return new MatmulConfig(version, 16, 16, 1, 1, 1);
            case V3_SHARED_TILES:
                return new MatmulConfig(version, 32, 32, 32, 1, 1);
            case V4_REGISTER_1D:
                return new MatmulConfig(version, 64, 64, 8, 8, 1);
            default:
                return new MatmulConfig(version, 128, 128, 8, 8, 8);
        }
    }

    /** The block sizes MatmulBenchmark sweeps for {@code version} (the default first). */
    public static List<MatmulConfig> variants(MatmulEngine version) {
        switch (version) {
            case V1_NAIVE:
            case V2_COALESCED:
                return List.of(defaults(version), new MatmulConfig(version, 8, 8, 1, 1, 1),
                        new MatmulConfig(version, 32, 32, 1, 1, 1));
            case V3_SHARED_TILES:
                return List.of(defaults(version), new MatmulConfig(version, 16, 16, 16, 1, 1),
                        new MatmulConfig(version, 8, 8, 8, 1, 1));
            case V4_REGISTER_1D:
                return List.of(defaults(version), new MatmulConfig(version, 32, 32, 8, 4, 1),
                        new MatmulConfig(version, 128, 64, 8, 8, 1), new MatmulConfig(version, 64, 64, 16, 8, 1));
            default:
                return List.of(defaults(version), new MatmulConfig(version, 64, 64, 8, 4, 4),
                        new MatmulConfig(version, 128, 64, 8, 8, 4), new MatmulConfig(version, 128, 128, 16, 8, 8),
                        new MatmulConfig(version, 64, 128, 8, 4, 8));
        }
    }

    private static long threads(MatmulEngine version, int bm, int bn, int tm, int tn) {
        switch (version) {
            case V1_NAIVE:
            case V2_COALESCED:
            case V3_SHARED_TILES:
                return (long) bm * bm;
            case V4_REGISTER_1D:
                return (long) bm * bn / tm;
            default:
                return (long) (bm / tm) * (bn / tn);
        }
    }

    /**
     * The {@code -D} macros of the module this configuration is launched from. Each version has its own macro
     * names, so the i-th configuration of every version's sweep ({@link #variants}) compiles into one module
     * ({@link #sweepModules()}): the whole sweep is as many modules as the longest sweep, and the six defaults share
     * the first, instead of one compile (and one driver JIT) per configuration. A configuration outside the sweep
     * compiles alone.
     */
    public List<String> moduleDefines() {
        return SWEEP_MODULES.getOrDefault(this, defines());
    }

    /** The macros of each module of the sweep, the defaults' module first. */
    public static List<List<String>> sweepModules() {
        List<List<String>> modules = new ArrayList<>();
        for (int slot = 0; ; slot++) {
            Set<String> defines = new LinkedHashSet<>();
            for (MatmulEngine v : MatmulEngine.values()) {
                if (v.tiledByMacros() && slot < variants(v).size()) {
                    defines.addAll(variants(v).get(slot).defines());
                }
            }
            if (defines.isEmpty()) {
                return modules;
            }
            modules.add(List.copyOf(defines));
        }
    }

    private static Map<MatmulConfig, List<String>> sweepModulesByConfig() {
        List<List<String>> modules = sweepModules();
        Map<MatmulConfig, List<String>> bySlot = new HashMap<>();
        for (MatmulEngine v : MatmulEngine.values()) {
            if (v.tiledByMacros()) {
                List<MatmulConfig> sweep = variants(v);
                for (int slot = 0; slot < sweep.size(); slot++) {
                    bySlot.put(sweep.get(slot), modules.get(slot));
                }
            }
        }
        return Map.copyOf(bySlot);
    }

    /** Threads per block. */
    public int threads() {
        return (int) threads(version, bm, bn, tm, tn);
    }

    /** The {@code -D} macros for {@code matmul.cu}, e.g. {@code V5_BM=128}. */
    public List<String> defines() {
        String p = "V" + (version.ordinal() + 1) + "_";
        switch (version) {
            case V1_NAIVE:
            case V2_COALESCED:
                return List.of(p + "BS=" + bm);
            case V3_SHARED_TILES:
                return List.of(p + "TILE=" + bm);
            case V4_REGISTER_1D:
                return List.of(p + "BM=" + bm, p + "BN=" + bn, p + "BK=" + bk, p + "TM=" + tm);
            default:
                return List.of(p + "BM=" + bm, p + "BN=" + bn, p + "BK=" + bk, p + "TM=" + tm, p + "TN=" + tn);
        }
    }

    /**
     * Grid and block for C (M, N) repeated over {@code batch} matrices. v1 puts rows on x (its uncoalesced mapping);
     * the others put column tiles on x and row tiles on y.
     */
    public LaunchShape shape(int m, int n, int batch) {
        switch (version) {
            case V1_NAIVE:
                return new LaunchShape(LaunchShape.ceilDiv(m, bm), LaunchShape.ceilDiv(n, bm), batch, bm, bm, 1);
            case V2_COALESCED:
            case V3_SHARED_TILES:
                return new LaunchShape(LaunchShape.ceilDiv(n, bm), LaunchShape.ceilDiv(m, bm), batch, bm, bm, 1);
            default:
                return new LaunchShape(LaunchShape.ceilDiv(n, bn), LaunchShape.ceilDiv(m, bm), batch, threads(), 1, 1);
        }
    }

    /** E.g. {@code v5 BM128 BN128 BK8 TM8 TN8}. */
    public String label() {
        String prefix = version.shortName().toUpperCase(java.util.Locale.ROOT) + "_";
        return version.shortName() + " " + String.join(" ", defines()).replace(prefix, "").replace("=", "");
    }

    private static String sizes(int bm, int bn, int bk, int tm, int tn) {
        return "BM " + bm + ", BN " + bn + ", BK " + bk + ", TM " + tm + ", TN " + tn;
    }
}
