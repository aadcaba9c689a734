package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ./lesson} with a lesson that does not exist: exit 2 and one line saying which lessons do. */
class LessonScriptTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private record Result(int exitCode, String err) {
    }

    private static Result lesson(String arg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", ROOT.resolve("lesson").toString(), arg).directory(ROOT.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), err);
    }

    @Test
    void anUnknownLessonNumberIsNamedWithTheList() throws Exception {
        Result r = lesson("99");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("lesson 99 not found", "01-training-loop");
    }

    @Test
    void aLessonThatIsNotANumberIsNamedWithTheList() throws Exception {
        Result r = lesson("abc");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("'abc' is not a lesson number", "01-training-loop").doesNotContain("syntax error");
    }
}
