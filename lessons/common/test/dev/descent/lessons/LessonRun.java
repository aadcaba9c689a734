package dev.descent.lessons;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A lesson's Main run as {@code ./lesson NN} runs it: a fresh JVM with the same flags and this class path, no
 * arguments. Its working directory is a scratch folder, so the pictures and runs it writes land there and not in
 * the repository. (The exercise grader runs the same way, with the learner's classes first.)
 */
final class LessonRun {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

    private LessonRun() {
    }

    /** The lesson folders {@code NN-name} under {@code lessons/}, in course order. */
    static List<Path> lessonFolders() throws IOException {
        Path root = Files.isDirectory(Path.of("lessons", "01-training-loop")) ? Path.of("lessons") : Path.of("");
        try (Stream<Path> entries = Files.list(root.toAbsolutePath())) {
            return entries.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d\\d-.+"))
                    .sorted().toList();
        }
    }

    /** The fully qualified name of the lesson's Main class, from its package line. */
    static String mainClass(Path lessonFolder) throws IOException {
        Matcher m = PACKAGE.matcher(Files.readString(lessonFolder.resolve("Main.java")));
        if (!m.find()) {
            throw new IllegalStateException(lessonFolder.resolve("Main.java") + " has no package line");
        }
        return m.group(1) + ".Main";
    }

    /** What a child JVM printed on standard output, line by line, and its exit status. */
    record Printed(List<String> lines, int exitValue) {
    }

    /**
     * Runs the lesson's Main in {@code workDir} and returns what it printed on standard output, line by line.
     *
     * @throws AssertionError if it fails, or runs longer than {@code timeout}, with the end of its error output
     */
    static List<String> printedLines(Path lessonFolder, Path workDir, Duration timeout) throws IOException,
            InterruptedException {
        Printed run = java(mainClass(lessonFolder), List.of(), "", workDir, timeout);
        if (run.exitValue() != 0) {
            throw new AssertionError(lessonFolder.getFileName() + ": Main exited with " + run.exitValue()
                    + tail(workDir.resolve("stderr.txt")));
        }
        return run.lines();
    }

    /**
     * Runs {@code mainClass} with {@code args} in a fresh JVM in {@code workDir}, on this class path with
     * {@code classPathFirst} (empty, or entries ending in the path separator) ahead of it.
     *
     * @throws AssertionError if it runs longer than {@code timeout}
     */
    static Printed java(String mainClass, List<String> args, String classPathFirst, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Djava.awt.headless=true", "--add-modules", "jdk.incubator.vector", "-cp",
                classPathFirst + System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(mainClass + " ran longer than " + timeout.toSeconds() + " s" + tail(err));
        }
        return new Printed(Files.readAllLines(out, StandardCharsets.UTF_8), process.exitValue());
    }

    private static String tail(Path err) {
        try {
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            return "; its last error lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
                    lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
