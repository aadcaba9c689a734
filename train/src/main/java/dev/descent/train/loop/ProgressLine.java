package dev.descent.train.loop;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one line per optimizer step; on an interactive terminal it also keeps a progress bar with the time
 * left on the last line, redrawn in place. In logs (no console) only the plain lines appear.
 */
final class ProgressLine {
    private static final int BAR = 30;
    private final PrintStream out;
    private final boolean interactive;
    private final int totalSteps;
    private final long started = System.nanoTime();
    private boolean barShown;

    ProgressLine(PrintStream out, int totalSteps) {
        this.out = out;
        this.interactive = System.console() != null && out == System.out;
        this.totalSteps = totalSteps;
    }

    void line(String text) {
        clearBar();
        out.println(text);
    }

    /** Redraws the bar after step {@code done} of the steps run in this process ({@code firstStep} onwards). */
    void bar(int done, int firstStep) {
        if (!interactive) {
            return;
        }
        int ran = done - firstStep;
        double perStep = (System.nanoTime() - started) / 1e9 / Math.max(1, ran);
        int filled = (int) ((long) BAR * done / totalSteps);
        out.printf(Locale.ROOT, "\r[%s%s] %d/%d  %.0f s left", "=".repeat(filled), " ".repeat(BAR - filled), done,
                totalSteps, perStep * (totalSteps - done));
        out.flush();
        barShown = true;
    }

    private void clearBar() {
        if (barShown) {
            out.print("\r" + " ".repeat(BAR + 40) + "\r");
            barShown = false;
        }
    }
}
