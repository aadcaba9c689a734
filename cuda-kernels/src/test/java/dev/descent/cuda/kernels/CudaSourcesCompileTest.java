package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.cuda.compile.CompilerChoice;
import dev.descent.cuda.compile.NvccCompiler;
import dev.descent.cuda.compile.PtxBuilder;
import dev.descent.cuda.compile.PtxCache;
import dev.descent.cuda.compile.PtxCompiler;
import dev.descent.cuda.kernels.matmul.MatmulConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How CI checks that the kernels build without a GPU: every .cu file goes through the real loader path (KernelSource,
 * PtxBuilder, NvccCompiler) to PTX for compute_75 ({@code nvcc -ptx -arch=compute_75}), and every kernel the Java
 * side launches must appear in that PTX with exactly the parameter types its {@link KernelSpec} declares. Skips,
 * saying why, where there is no nvcc. (compute_75 is the oldest target CUDA 13 offers; a CUDA 12 nvcc or NVRTC
 * builds the same sources for compute_61 on the GPU machine.)
 */
class CudaSourcesCompileTest {
    private static final int ARCH = 75;
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM =
            Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(\\[(\\d+)\\])?");

    @TempDir
    static Path cacheDir;
    private static PtxBuilder builder;
    private static final Map<String, String> PTX = new HashMap<>();

    @BeforeAll
    static void findNvcc() {
        Optional<NvccCompiler> nvcc = NvccCompiler.find();
        Assumptions.assumeTrue(nvcc.isPresent(), "nvcc not found on PATH, in $CUDA_HOME/bin or /usr/local/cuda/bin: "
                + "the CUDA sources are not compiled on this machine");
        Assumptions.assumeTrue(PtxCompiler.pickArch(ARCH, nvcc.get().supportedArchs()).orElse(0) == ARCH,
                nvcc.get().name() + " cannot target compute_" + ARCH);
        builder = new PtxBuilder(new CompilerChoice(nvcc.get(), ARCH), new PtxCache(cacheDir));
    }

    private static synchronized String ptx(String file) {
        return PTX.computeIfAbsent(file, f -> builder.ptx(f, List.of()));
    }

    static Stream<String> files() {
        return CudaSources.files(".cu").stream();
    }

    static Stream<KernelSpec> kernels() {
        return Kernels.ALL.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void compilesToPtxForCompute75(String file) {
        assertThat(ptx(file)).contains(".target sm_" + ARCH).contains(".entry");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void theJavaSignatureOfEveryKernelMatchesThePtx(KernelSpec spec) {
        Map<String, String> entries = new HashMap<>();
        Matcher m = ENTRY.matcher(ptx(spec.file()));
        while (m.find()) {
            entries.put(m.group(1), m.group(2));
        }
        assertThat(entries).as("kernels in %s", spec.file()).containsKey(spec.name());
        assertThat(letters(entries.get(spec.name()))).as("parameters of %s", spec.name()).isEqualTo(spec.params());
    }

    /** PTX parameter list -> KernelSpec letters: .u32/.s32 i, .f32 f, .u64 p, a 132-byte .b8 array s (Strided). */
    private static String letters(String params) {
        StringBuilder sb = new StringBuilder();
        Matcher p = PARAM.matcher(params);
        while (p.find()) {
            String type = p.group(1);
            if (p.group(2) != null) {
                sb.append(Integer.parseInt(p.group(3)) == 4 * StridedLayout.WORDS ? 's' : '?');
            } else if (type.equals("u32") || type.equals("s32")) {
                sb.append('i');
            } else if (type.equals("f32")) {
                sb.append('f');
            } else if (type.equals("u64")) {
                sb.append('p');
            } else {
                sb.append('?');
            }
        }
        return sb.toString();
    }

    /** Every tile configuration the benchmark sweeps compiles too, in the modules the backend loads them from. */
    @Test
    void everyMatmulTileConfigurationCompiles() {
        for (List<String> defines : MatmulConfig.sweepModules()) {
            assertThat(builder.ptx("matmul.cu", defines)).as("matmul.cu with %s", defines).contains(".entry matmul_v6");
        }
    }
}
