package dev.descent.cuda.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PtxCacheTest {
    @TempDir
    Path dir;

    @Test
    void storesAndFindsPtxByKey() {
        PtxCache cache = new PtxCache(dir.resolve("ptx"));
        assertThat(cache.get("softmax.cu", "ab12")).isEmpty();
        cache.put("softmax.cu", "ab12", ".version 8.5\n");
        cache.put("softmax.cu", "cd34", ".version 7.0\n");
        assertThat(cache.get("softmax.cu", "ab12")).contains(".version 8.5\n");
        assertThat(cache.get("softmax.cu", "cd34")).contains(".version 7.0\n");
        assertThat(dir.resolve("ptx").toFile().list()).containsExactlyInAnyOrder("softmax-ab12.ptx", "softmax-cd34.ptx");
    }

    @Test
    void anUnwritableCacheOnlyCostsARecompile() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        PtxCache cache = new PtxCache(file);
        assertThat(cache.put("a.cu", "k", "ptx")).isFalse();
        assertThat(cache.get("a.cu", "k")).isEmpty();
    }

    /** A compiler that counts its calls and returns the defines as "PTX". */
    private static final class CountingCompiler implements PtxCompiler {
        final List<String> calls = new ArrayList<>();

        @Override
        public String name() {
            return "fake 1.0";
        }

        @Override
        public int[] supportedArchs() {
            return new int[] {61, 75};
        }

        @Override
        public String compile(KernelSource source, List<String> defines, int arch) {
            calls.add(source.file() + defines + arch);
            return "// " + defines + " compute_" + arch;
        }
    }

    @Test
    void builderCompilesOncePerSourceMacroSetAndArchitecture() {
        CountingCompiler compiler = new CountingCompiler();
        PtxCache cache = new PtxCache(dir);
        PtxBuilder builder = new PtxBuilder(new CompilerChoice(compiler, 61), cache);
        assertThat(builder.ptx("matmul.cu", List.of())).isEqualTo("// [] compute_61");
        assertThat(builder.ptx("matmul.cu", List.of())).isEqualTo("// [] compute_61");
        assertThat(builder.ptx("matmul.cu", List.of("V6_BM=64"))).isEqualTo("// [V6_BM=64] compute_61");
        new PtxBuilder(new CompilerChoice(compiler, 75), cache).ptx("matmul.cu", List.of());
        assertThat(compiler.calls).containsExactly("matmul.cu[]61", "matmul.cu[V6_BM=64]61", "matmul.cu[]75");
        assertThat(new PtxBuilder(new CompilerChoice(compiler, 61), new PtxCache(dir)).ptx("matmul.cu", List.of()))
                .isEqualTo("// [] compute_61");
        assertThat(compiler.calls).hasSize(3);
    }
}
