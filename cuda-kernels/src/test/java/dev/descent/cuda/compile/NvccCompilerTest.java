package dev.descent.cuda.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvccCompilerTest {
    @Test
    void readsTheTargetListOfNvccListGpuArch() {
        String cuda13 = "compute_75\ncompute_80\ncompute_86\ncompute_87\ncompute_88\ncompute_89\ncompute_90\n"
                + "compute_100\ncompute_110\ncompute_103\ncompute_120\ncompute_121\n";
        assertThat(NvccCompiler.parseArchList(cuda13)).containsExactly(75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121);
        assertThat(NvccCompiler.parseArchList("nvcc fatal: unknown option")).isEmpty();
    }

    @Test
    void readsTheReleaseFromNvccVersion() {
        String out = "nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 13.0, V13.0.88\n";
        assertThat(NvccCompiler.parseRelease(out)).isEqualTo("13.0");
        assertThat(NvccCompiler.parseRelease("")).isEqualTo("unknown");
    }

    @Test
    void looksOnPathThenInCudaHome(@TempDir Path dir) throws Exception {
        Path onPath = Files.createDirectories(dir.resolve("bin"));
        Path home = Files.createDirectories(dir.resolve("cuda/bin"));
        Path inHome = Files.createFile(home.resolve("nvcc"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Map<String, String> env = Map.of("PATH", onPath.toString(), "CUDA_HOME", dir.resolve("cuda").toString());
        assertThat(NvccCompiler.locate(env)).contains(inHome);
        Path first = Files.createFile(onPath.resolve("nvcc"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        assertThat(NvccCompiler.locate(env)).contains(first);
    }
}
