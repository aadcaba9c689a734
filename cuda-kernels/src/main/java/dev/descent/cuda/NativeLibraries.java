package dev.descent.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the CUDA shared libraries the JCuda 12.6 bindings link against, without loading them:
 * {@code libcuda.so.1} (the driver), {@code libnvrtc.so.12} (run-time compiler), {@code libcublas.so.12}.
 * Looks in LD_LIBRARY_PATH, the dynamic linker's cache ({@code ldconfig -p}) and the usual install folders.
 */
public final class NativeLibraries {
    public static final String DRIVER = "libcuda.so.1";
    public static final String NVRTC = "libnvrtc.so.12";
    public static final String CUBLAS = "libcublas.so.12";

    private static final List<String> USUAL_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/wsl/lib");

    private NativeLibraries() {
    }

    /** Where {@code soname} is on this machine, if anywhere. */
    public static Optional<Path> find(String soname) {
        return find(soname, System.getenv(), ldconfigCache());
    }

    /** {@link #find(String)} with the environment and the {@code ldconfig -p} listing given (for tests). */
    static Optional<Path> find(String soname, Map<String, String> env, String ldconfigListing) {
        List<String> dirs = new ArrayList<>();
        for (String d : env.getOrDefault("LD_LIBRARY_PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                dirs.add(d);
            }
        }
        for (String line : ldconfigListing.split("\n")) {
            String t = line.strip();
            int arrow = t.indexOf("=>");
            if (t.startsWith(soname + " ") && arrow > 0) {
                Path p = Path.of(t.substring(arrow + 2).strip());
                if (Files.exists(p)) {
                    return Optional.of(p);
                }
            }
        }
        String home = env.get("CUDA_HOME");
        if (home != null && !home.isEmpty()) {
            dirs.add(home + "/lib64");
        }
        dirs.addAll(USUAL_DIRS);
        return dirs.stream().map(d -> Path.of(d, soname)).filter(Files::exists).findFirst();
    }

    private static String ldconfigCache() {
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig")) {
            if (!Files.isExecutable(Path.of(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (p.waitFor(10, TimeUnit.SECONDS)) {
                    return new String(out, StandardCharsets.UTF_8);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }

    /**
     * One line saying why a native load failed. JCuda's UnsatisfiedLinkError carries several stack traces; the
     * useful part is the dynamic linker's message, e.g. {@code libcuda.so.1: cannot open shared object file}.
     */
    public static String why(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            for (String line : m.split("\n")) {
                int at = line.indexOf("cannot open shared object file");
                if (at > 0) {
                    int start = line.lastIndexOf(' ', line.lastIndexOf(':', at) - 1);
                    return line.substring(start + 1).strip();
                }
            }
        }
        String m = String.valueOf(t.getMessage());
        return t.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("");
    }
}
