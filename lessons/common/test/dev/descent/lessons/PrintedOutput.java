package dev.descent.lessons;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The printed-output blocks of a lesson README and their check against what the lesson's Main printed.
 *
 * <p>The convention (lessons/README.md, "How the READMEs are checked"):
 * <ul>
 *   <li>A fenced block opened with {@code ```output} holds lines that {@code ./lesson NN} printed, in order.
 *       Other fenced blocks (code, formulas, other commands' transcripts) are not checked.</li>
 *   <li>A line {@code ...} stands for any number of printed lines left out; so does the gap between two blocks.
 *       Otherwise a block's lines are consecutive lines of the run.</li>
 *   <li>A number written {@code ~12.3} varies from machine to machine (a time, a speed): some number must stand
 *       there, its value is not compared. Every other number must be printed exactly as written.</li>
 *   <li>Runs of spaces count as one space (tables may be re-aligned).</li>
 * </ul>
 */
final class PrintedOutput {
    /** A number as the lessons print it: 12, -0.5, 1,743, 7.43e+07; with the varying marker {@code ~} in front. */
    private static final Pattern NUMBER = Pattern.compile("~?[-+]?\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?");
    private static final String FENCE = "```";
    private static final String ELISION = "...";

    private PrintedOutput() {
    }

    /** One line of a README output block and where it stands (1-based line number in the README). */
    record ExpectedLine(int readmeLine, String text) {
        boolean isElision() {
            return text.strip().equals(ELISION);
        }
    }

    /**
     * The lines of every {@code ```output} block, in order, with an elision between blocks.
     *
     * @return empty when the README has no output block
     */
    static List<ExpectedLine> expectedLines(List<String> readme) {
        List<ExpectedLine> lines = new ArrayList<>();
        boolean inOutput = false;
        boolean inOtherBlock = false;
        for (int i = 0; i < readme.size(); i++) {
            String line = readme.get(i);
            if (line.startsWith(FENCE)) {
                String info = line.substring(FENCE.length()).strip();
                if (inOutput || inOtherBlock) {
                    inOutput = false;
                    inOtherBlock = false;
                } else if (info.equals("output")) {
                    inOutput = true;
                    if (!lines.isEmpty()) {
                        lines.add(new ExpectedLine(i + 1, ELISION));
                    }
                } else {
                    inOtherBlock = true;
                }
            } else if (inOutput) {
                lines.add(new ExpectedLine(i + 1, line));
            }
        }
        if (inOutput) {
            throw new IllegalArgumentException("an ```output block is not closed");
        }
        return lines;
    }

    /**
     * Checks the expected lines against the printed ones: each run of lines between elisions must appear, in
     * order, as consecutive printed lines.
     *
     * @return empty when they match, else a message naming the README line, what it says and what was printed
     */
    static Optional<String> mismatch(List<ExpectedLine> expected, List<String> printed) {
        int from = 0;
        int start = 0;
        while (start < expected.size()) {
            if (expected.get(start).isElision()) {
                start++;
                continue;
            }
            int end = start;
            while (end < expected.size() && !expected.get(end).isElision()) {
                end++;
            }
            List<ExpectedLine> segment = expected.subList(start, end);
            int at = find(segment, printed, from);
            if (at < 0) {
                return Optional.of(explain(segment, printed, from));
            }
            from = at + segment.size();
            start = end;
        }
        return Optional.empty();
    }

    private static int find(List<ExpectedLine> segment, List<String> printed, int from) {
        for (int at = from; at + segment.size() <= printed.size(); at++) {
            boolean all = true;
            for (int k = 0; k < segment.size() && all; k++) {
                all = matches(segment.get(k).text(), printed.get(at + k));
            }
            if (all) {
                return at;
            }
        }
        return -1;
    }

    /**
     * The first line of the segment that does not match where the segment's longest matching prefix starts, with
     * the printed line of the same shape (same words, other numbers) when there is one.
     */
    private static String explain(List<ExpectedLine> segment, List<String> printed, int from) {
        int bestAt = -1;
        int bestLength = -1;
        for (int at = from; at < printed.size(); at++) {
            int k = 0;
            while (k < segment.size() && at + k < printed.size() && matches(segment.get(k).text(), printed.get(at + k))) {
                k++;
            }
            if (k > bestLength) {
                bestLength = k;
                bestAt = at;
            }
        }
        ExpectedLine wrong = segment.get(Math.max(0, bestLength));
        String message = "README line " + wrong.readmeLine() + " says\n    " + wrong.text().strip();
        if (bestLength > 0 && bestAt + bestLength < printed.size()) {
            return message + "\nbut the run printed\n    " + printed.get(bestAt + bestLength).strip();
        }
        for (int at = from; at < printed.size(); at++) {
            if (shape(wrong.text()).equals(shape(printed.get(at)))) {
                return message + "\nbut the run printed\n    " + printed.get(at).strip();
            }
        }
        return message + "\nand the run printed no such line (after the lines matched so far)";
    }

    /** Whether a README line matches a printed line: the same words and, except where marked ~, the same numbers. */
    static boolean matches(String expected, String printed) {
        List<String> want = tokens(expected);
        List<String> got = tokens(printed);
        if (want.size() != got.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            String g = got.get(i);
            boolean varies = w.startsWith("~") && NUMBER.matcher(w).matches();
            if (varies ? !NUMBER.matcher(g).matches() || g.startsWith("~") : !w.equals(g)) {
                return false;
            }
        }
        return true;
    }

    /** The line cut into numbers and the text between them, runs of white space as one space, ends trimmed. */
    private static List<String> tokens(String line) {
        String text = line.strip().replaceAll("\\s+", " ");
        List<String> tokens = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        int last = 0;
        while (m.find()) {
            tokens.add(text.substring(last, m.start()));
            tokens.add(m.group());
            last = m.end();
        }
        tokens.add(text.substring(last));
        return tokens;
    }

    /** The line with every number replaced by {@code #}: two lines of the same shape differ only in numbers. */
    private static String shape(String line) {
        return NUMBER.matcher(line.strip().replaceAll("\\s+", " ")).replaceAll("#");
    }
}
