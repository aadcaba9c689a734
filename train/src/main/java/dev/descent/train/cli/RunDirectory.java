package dev.descent.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run directory ({@code --out}) and the rule that protects it: a directory that holds a run (its checkpoint,
 * loss.png or summary.json) is only trained into by resuming that run, or when the user says to replace it.
 */
final class RunDirectory {
    /** What a run leaves in its directory (a checkpoint.tmp alone is a save cut short before any completed). */
    private static final List<String> RUN_FILES = List.of("checkpoint", "checkpoint.prev", "loss.png", "summary.json");

    private RunDirectory() {
    }

    /**
     * Claims {@code out} for a run that resumes {@code resume} (null for a new run): refused when out holds another
     * run, unless {@code replace}, in which case that run's files are deleted first.
     */
    static void claim(Path out, Path resume, boolean replace) throws IOException {
        List<String> held = RUN_FILES.stream().filter(f -> Files.exists(out.resolve(f))).toList();
        if (held.isEmpty() || (resume != null && resumesRunIn(resume, out))) {
            return;
        }
        if (!replace) {
            throw new IllegalArgumentException(out + " already holds a run (" + String.join(", ", held) + "): continue "
                    + "it with --resume " + out.resolve("checkpoint") + ", choose another --out, or pass --replace to "
                    + "delete it and start over");
        }
        for (String f : held) {
            deleteTree(out.resolve(f));
        }
    }

    /** Whether {@code checkpoint} is the checkpoint (or its .prev twin) of the run in {@code out}. */
    private static boolean resumesRunIn(Path checkpoint, Path out) {
        Path c = checkpoint.toAbsolutePath().normalize();
        Path own = out.resolve("checkpoint").toAbsolutePath().normalize();
        return c.equals(own) || c.equals(own.resolveSibling("checkpoint.prev"));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
