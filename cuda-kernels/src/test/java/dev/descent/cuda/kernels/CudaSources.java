package dev.descent.cuda.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The kernel sources as they sit in the module. Maven runs tests in the module folder; the device kit's JUnit
 * launcher runs them from the repository root, so both are tried.
 */
public final class CudaSources {
    /** The cuda-kernels module folder. */
    public static final Path MODULE = Files.isDirectory(Path.of("src", "main", "cuda")) ? Path.of(".") : Path.of("cuda-kernels");
    public static final Path DIR = MODULE.resolve(Path.of("src", "main", "cuda"));

    private CudaSources() {
    }

    /** File names of every .cu and .cuh, sorted. */
    public static List<String> files(String extension) {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(extension)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(String file) {
        try {
            return Files.readString(DIR.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
