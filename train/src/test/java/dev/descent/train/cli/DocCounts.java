package dev.descent.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The counts in docs/RELIABILITY.md's table come from the tests that measure them: run with
 * {@code -Ddescent.docs.write=true} (scripts/reliability-counts.sh) a test writes its count into the table;
 * otherwise it checks that the table shows what it measured.
 */
final class DocCounts {
    static final Path DOC = Path.of("..", "docs", "RELIABILITY.md");

    private DocCounts() {
    }

    /** Writes or checks the row {@code | label | value |}. */
    static synchronized void record(String label, long value) throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Pattern row = Pattern.compile("(?m)^\\| " + Pattern.quote(label) + " \\| ([^|]*) \\|$");
        Matcher m = row.matcher(doc);
        assertThat(m.find()).as("docs/RELIABILITY.md has a row '| %s | n |'", label).isTrue();
        if (Boolean.getBoolean("descent.docs.write")) {
            Files.writeString(DOC, m.replaceFirst(Matcher.quoteReplacement("| " + label + " | " + value + " |")),
                    StandardCharsets.UTF_8);
        } else {
            assertThat(m.group(1).trim()).as("docs/RELIABILITY.md's '%s' (scripts/reliability-counts.sh rewrites "
                    + "it)", label).isEqualTo(Long.toString(value));
        }
    }
}
