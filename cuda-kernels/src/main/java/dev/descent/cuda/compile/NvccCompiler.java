package dev.descent.cuda.compile;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code nvcc} program as a PTX compiler: {@code nvcc -ptx -arch=compute_XY}. Found on PATH, then in
 * {@code $CUDA_HOME/bin}, then {@code /usr/local/cuda/bin}. Its target list comes from {@code nvcc --list-gpu-arch}
 * (CUDA 13 starts at compute_75, so it cannot build for a Pascal card such as the GTX 1070 Ti, compute 6.1).
 */
public final class NvccCompiler implements PtxCompiler {
    private static final Pattern ARCH = Pattern.compile("compute_(\\d+)");
    private static final Pattern RELEASE = Pattern.compile("release (\\d+\\.\\d+)");
    private static final long TIMEOUT_SECONDS = 300;

    private final Path nvcc;
    private final String version;
    private final int[] archs;

    private NvccCompiler(Path nvcc, String version, int[] archs) {
        this.nvcc = nvcc;
        this.version = version;
        this.archs = archs;
    }

    /** The first nvcc found (PATH, CUDA_HOME, /usr/local/cuda), asked for its version and targets; empty if none runs. */
    public static Optional<NvccCompiler> find() {
        return locate(System.getenv()).map(NvccCompiler::at);
    }

    /** Where nvcc would be taken from under the given environment (PATH, CUDA_HOME), without running it. */
    static Optional<Path> locate(Map<String, String> env) {
        List<Path> candidates = new ArrayList<>();
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "nvcc"));
            }
        }
        String home = env.get("CUDA_HOME");
        if (home != null && !home.isEmpty()) {
            candidates.add(Path.of(home, "bin", "nvcc"));
        }
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** The nvcc at {@code path}; its version and target list are read by running it. */
    public static NvccCompiler at(Path path) {
        String version = parseRelease(run(List.of(path.toString(), "--version"), null).output());
        int[] archs = parseArchList(run(List.of(path.toString(), "--list-gpu-arch"), null).output());
        return new NvccCompiler(path, version, archs);
    }

    /** The numbers of the {@code compute_XY} lines printed by {@code nvcc --list-gpu-arch}, ascending. */
    static int[] parseArchList(String output) {
        Matcher m = ARCH.matcher(output);
        List<Integer> found = new ArrayList<>();
        while (m.find()) {
            found.add(Integer.parseInt(m.group(1)));
        }
        return found.stream().distinct().sorted().mapToInt(Integer::intValue).toArray();
    }

    /** {@code 13.0} from nvcc's "Cuda compilation tools, release 13.0, V13.0.88"; "unknown" if absent. */
    static String parseRelease(String versionOutput) {
        Matcher m = RELEASE.matcher(versionOutput);
        return m.find() ? m.group(1) : "unknown";
    }

    public Path path() {
        return nvcc;
    }

    public String version() {
        return version;
    }

    @Override
    public String name() {
        return "nvcc " + version + " (" + nvcc + ")";
    }

    @Override
    public String identity() {
        return "nvcc " + version;
    }

    @Override
    public int[] supportedArchs() {
        return archs.clone();
    }

    @Override
    public String compile(KernelSource source, List<String> defines, int arch) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("descent-nvcc");
            Files.writeString(dir.resolve(source.file()), source.text(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> h : source.headers().entrySet()) {
                Files.writeString(dir.resolve(h.getKey()), h.getValue(), StandardCharsets.UTF_8);
            }
            Path out = dir.resolve("out.ptx");
            List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-ptx", "-arch=compute_" + arch));
            defines.forEach(d -> cmd.add("-D" + d));
            cmd.addAll(List.of("-o", out.toString(), dir.resolve(source.file()).toString()));
            Result r = run(cmd, dir);
            if (r.exitCode() != 0 || !Files.exists(out)) {
                throw new KernelCompileException(name(), source.file(), defines, arch,
                        String.join(" ", cmd) + "\n" + r.output());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + name() + " on " + source.file(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> cmd, Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }

    @Override
    public String toString() {
        return name() + " targets " + Arrays.toString(archs);
    }
}
