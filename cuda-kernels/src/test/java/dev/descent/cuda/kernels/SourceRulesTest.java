package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.BinaryOp;
import dev.descent.core.UnaryOp;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules every kernel source keeps so that it builds with NVRTC and runs on compute capability 6.1 (Pascal). */
class SourceRulesTest {
    /** Features of compute capability 7.0 and newer, half/bf16 types, and headers NVRTC cannot find. */
    private static final Map<String, String> FORBIDDEN = Map.ofEntries(
            Map.entry("wmma", "tensor cores (sm_70+)"),
            Map.entry("mma.sync", "tensor-core PTX (sm_70+)"),
            Map.entry("__nanosleep", "sm_70+"),
            Map.entry("cooperative_groups", "cooperative-groups reductions are sm_80+"),
            Map.entry("__reduce_", "warp reduce intrinsics are sm_80+"),
            Map.entry("__match_", "warp match intrinsics are sm_70+"),
            Map.entry("cp.async", "asynchronous copies are sm_80+"),
            Map.entry("__pipeline", "asynchronous copies are sm_80+"),
            Map.entry("__half", "fp16 runs at 1/64 rate on Pascal; fp32 only"),
            Map.entry("half2", "fp16; fp32 only"),
            Map.entry("bfloat16", "no bf16 on Pascal"),
            Map.entry("__nv_bf", "no bf16 on Pascal"),
            Map.entry("tf32", "TF32 needs tensor cores (sm_80+)"),
            Map.entry("#include <", "system headers are not on NVRTC's path"),
            Map.entry("asm(", "inline PTX may use instructions Pascal lacks"));

    static Stream<String> sources() {
        return Stream.concat(CudaSources.files(".cu").stream(), CudaSources.files(".cuh").stream());
    }

    @ParameterizedTest
    @MethodSource("sources")
    void usesNoFeatureNewerThanPascal(String file) {
        String text = CudaSources.read(file);
        for (Map.Entry<String, String> f : FORBIDDEN.entrySet()) {
            assertThat(text).as("%s uses %s: %s", file, f.getKey(), f.getValue()).doesNotContain(f.getKey());
        }
        assertThat(Pattern.compile("__shfl(_up|_down|_xor)?\\(").matcher(text).find())
                .as("%s uses a shuffle without _sync (removed for sm_70+ targets)", file).isFalse();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void everyKernelIsExternCWithAOneLineVersionHeader(String file) {
        String[] lines = CudaSources.read(file).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("__global__")) {
                assertThat(lines[i]).as("%s line %d", file, i + 1).startsWith("extern \"C\" __global__");
                int j = i - 1;
                while (j >= 0 && lines[j].startsWith("//") && !lines[j].matches("// v\\d+ .*")) {
                    j--;
                }
                assertThat(j >= 0 && lines[j].matches("// v\\d+ .*")).as("%s line %d: a '// vN ...' comment "
                        + "introduces the kernel", file, i + 1).isTrue();
            }
        }
        assertThat(lines[0]).as("%s starts with a one-line description", file).startsWith("// " + file + ": ");
    }

    @Test
    void everyKernelInTheSourcesIsInTheCatalogAndViceVersa() {
        Pattern kernel = Pattern.compile("extern \"C\" __global__ void(?: __launch_bounds__\\([^)]*\\))?\\s+(\\w+)\\(");
        Map<String, String> inSources = new HashMap<>();
        for (String f : CudaSources.files(".cu")) {
            Matcher m = kernel.matcher(CudaSources.read(f));
            while (m.find()) {
                inSources.put(m.group(1), f);
            }
        }
        Map<String, String> inCatalog = new HashMap<>();
        Kernels.ALL.forEach(k -> inCatalog.put(k.name(), k.file()));
        assertThat(inCatalog).isEqualTo(inSources);
    }

    /** Name -> value of the {@code PREFIX_NAME = value} constants of an enum in a source. */
    private static Map<String, Integer> enumConstants(String file, String prefix) {
        Matcher m = Pattern.compile(prefix + "(\\w+) = (\\d+)").matcher(CudaSources.read(file));
        Map<String, Integer> out = new HashMap<>();
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    @Test
    void opCodesAgreeBetweenJavaAndTheKernels() {
        Map<String, Integer> unary = enumConstants("elementwise.cu", "U_");
        assertThat(unary).hasSize(UnaryOp.values().length);
        for (UnaryOp op : UnaryOp.values()) {
            assertThat(unary.get(op.name())).as("U_" + op).isEqualTo(CudaElementwise.code(op));
        }
        Map<String, Integer> binary = enumConstants("elementwise.cu", "B_");
        assertThat(binary).hasSize(BinaryOp.values().length);
        for (BinaryOp op : BinaryOp.values()) {
            assertThat(binary.get(op.name())).as("B_" + op).isEqualTo(CudaElementwise.code(op));
        }
        assertThat(enumConstants("reduce.cu", "R_")).isEqualTo(Map.of("SUM", 0, "MAX", 1));
    }

    @Test
    void theStridedStructHasTheLayoutTheHostPacks() {
        String common = CudaSources.read("common.cuh");
        assertThat(common).contains("#define MAX_RANK " + StridedLayout.MAX_RANK)
                .contains("int stride[" + StridedLayout.OPERANDS + "][MAX_RANK];");
        assertThat(StridedLayout.WORDS).isEqualTo(1 + 8 + 3 * 8);
    }
}
