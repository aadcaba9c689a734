package dev.descent.lessons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.lessons.PrintedOutput.ExpectedLine;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrintedOutputTest {
    private static final List<String> README = List.of(
            "# 99 — a lesson",
            "```",
            "int notOutput = 3;",
            "```",
            "**What it printed**:",
            "```output",
            "step 0  loss 1.5620",
            "...",
            "converged after 46 updates",
            "```",
            "prose 12.5",
            "```output",
            "took ~0.71 s",
            "```");

    @Test
    void readsOnlyOutputBlocksWithAnElisionBetweenThem() {
        List<ExpectedLine> lines = PrintedOutput.expectedLines(README);
        assertThat(lines).extracting(ExpectedLine::text).containsExactly("step 0  loss 1.5620", "...",
                "converged after 46 updates", "...", "took ~0.71 s");
        assertThat(lines.get(0).readmeLine()).isEqualTo(7);
    }

    @Test
    void matchesTheRunWithElidedLinesAndVaryingNumbers() {
        List<String> printed = List.of("header", "step   0  loss 1.5620", "step 1 loss 0.8", "converged after 46 updates",
                "took 12.03 s", "footer");
        assertThat(PrintedOutput.mismatch(PrintedOutput.expectedLines(README), printed)).isEmpty();
    }

    @Test
    void aChangedNumberFailsAndNamesTheReadmeLineAndThePrintedOne() {
        List<String> printed = List.of("step 0  loss 1.5621", "converged after 46 updates", "took 0.5 s");
        assertThat(PrintedOutput.mismatch(PrintedOutput.expectedLines(README), printed)).hasValueSatisfying(m -> {
            assertThat(m).contains("README line 7").contains("step 0  loss 1.5620").contains("loss 1.5621");
        });
    }

    @Test
    void linesOfABlockMustBeConsecutiveAndInOrder() {
        List<ExpectedLine> twoLines = List.of(new ExpectedLine(1, "a 1"), new ExpectedLine(2, "b 2"));
        assertThat(PrintedOutput.mismatch(twoLines, List.of("a 1", "b 2"))).isEmpty();
        assertThat(PrintedOutput.mismatch(twoLines, List.of("a 1", "x", "b 2"))).isPresent();
        assertThat(PrintedOutput.mismatch(twoLines, List.of("b 2", "a 1"))).isPresent();
    }

    @Test
    void aVaryingNumberMustStillBeANumberAndWordsMustMatch() {
        assertThat(PrintedOutput.matches("took ~0.71 s", "took 3 s")).isTrue();
        assertThat(PrintedOutput.matches("took ~0.71 s", "took fast s")).isFalse();
        assertThat(PrintedOutput.matches("took ~0.71 s", "needed 0.71 s")).isFalse();
        assertThat(PrintedOutput.matches("1,743 parameters, 7.43e+07", "1,743  parameters, 7.43e+07")).isTrue();
        assertThat(PrintedOutput.matches("1,743 parameters", "1,744 parameters")).isFalse();
    }

    @Test
    void anUnclosedOutputBlockIsAnError() {
        assertThatThrownBy(() -> PrintedOutput.expectedLines(List.of("```output", "a"))).hasMessageContaining("closed");
    }
}
