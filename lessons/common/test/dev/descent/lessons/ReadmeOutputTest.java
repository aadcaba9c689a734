package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every lesson's README shows what its Main prints: each lesson is run as {@code ./lesson NN} and the lines of
 * its README's {@code ```output} blocks are checked against the run ({@link PrintedOutput} states the rules), so
 * a stale or false figure fails the build.
 */
class ReadmeOutputTest {
    /** A guard against a hung lesson, not a speed test: the course promises seconds, the capstone about a minute. */
    private static final Duration LIMIT = Duration.ofMinutes(10);

    @TempDir
    Path scratch;

    @TestFactory
    Stream<DynamicTest> everyReadmeShowsWhatItsLessonPrints() throws IOException {
        return LessonRun.lessonFolders().stream().map(folder -> DynamicTest.dynamicTest(
                folder.getFileName() + ": README output blocks match ./lesson " + folder.getFileName().toString()
                        .substring(0, 2), () -> check(folder)));
    }

    private void check(Path folder) throws IOException, InterruptedException {
        List<PrintedOutput.ExpectedLine> expected = PrintedOutput.expectedLines(
                Files.readAllLines(folder.resolve("README.md"), StandardCharsets.UTF_8));
        assertThat(expected).as("%s/README.md has no ```output block", folder.getFileName()).isNotEmpty();
        Path workDir = Files.createDirectory(scratch.resolve(folder.getFileName().toString()));
        List<String> printed = LessonRun.printedLines(folder, workDir, LIMIT);
        Optional<String> mismatch = PrintedOutput.mismatch(expected, printed);
        assertThat(mismatch).as("%s/README.md against ./lesson %s", folder.getFileName(),
                folder.getFileName().toString().substring(0, 2)).isEmpty();
    }
}
