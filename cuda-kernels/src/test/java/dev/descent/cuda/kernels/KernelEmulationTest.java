package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.cuda.kernels.matmul.MatmulConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs every kernel on the CPU: {@code src/test/emu/kernels_emu_test.cpp} includes the .cu files unchanged with
 * {@code cuda_emu.h} (each CUDA thread a fiber, barriers and warp shuffles emulated) and checks them against
 * reference loops in double precision, on sizes that fill no tile; matmul also with the second tile configuration
 * of every version. This is the only place the kernel code executes
 * without a GPU; it checks indexing, bounds and barrier placement, not speed or GPU-only behaviour (the emulator's
 * shared memory starts zeroed, its atomics never race). Skips, saying why, where no C++20 g++ is found.
 */
class KernelEmulationTest {
    private static final Path SOURCE =
            CudaSources.MODULE.resolve(Path.of("src", "test", "emu", "kernels_emu_test.cpp"));

    private static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, String.join(" ", cmd) + " timed out after " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {
    }

    @Test
    void everyKernelMatchesItsReferenceUnderEmulation() throws Exception {
        Result probe;
        try {
            probe = run(List.of("g++", "--version"), 30);
        } catch (IOException e) {
            probe = new Result(-1, e.getMessage());
        }
        Assumptions.assumeTrue(probe.exit() == 0, "no g++ on PATH: the kernels are not emulated here (" + probe.output()
                .lines().findFirst().orElse("") + ")");
        Path dir = Files.createDirectories(CudaSources.MODULE.resolve(Path.of("target", "emu")));
        Path exe = build(dir.resolve("kernels_emu_test"), List.of());
        Result test = run(List.of(exe.toString()), 600);
        assertThat(test.exit()).as("emulated kernel checks:%n%s", test.output()).isZero();
        List<String> second = MatmulConfig.sweepModules().get(1).stream().map(d -> "-D" + d).toList();
        Path variants = build(dir.resolve("kernels_emu_test_tiles"), second);
        Result tiles = run(List.of(variants.toString(), "matmul"), 600);
        assertThat(tiles.exit()).as("emulated matmul with %s:%n%s", second, tiles.output()).isZero();
    }

    private static Path build(Path exe, List<String> defines) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("g++", "-std=c++20", "-O1", "-fno-strict-aliasing"));
        cmd.addAll(defines);
        cmd.addAll(List.of("-o", exe.toString(), SOURCE.toString()));
        Result r = run(cmd, 600);
        assertThat(r.exit()).as("%s%n%s", String.join(" ", cmd), r.output()).isZero();
        return exe;
    }
}
