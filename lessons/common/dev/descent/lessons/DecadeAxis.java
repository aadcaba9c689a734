package dev.descent.lessons;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A base-10 logarithmic axis with ticks a reader takes in at a glance. When the range holds three powers of ten or
 * more, the labels sit on them (0.01, 0.1, 1, 10, …; 10⁻⁶ and 10⁶ far from 1) with unlabelled minor ticks at 2…9
 * times them; over a narrower range, at round numbers inside it (0.5, 1, 2, 5 or 2, 3, 4 or 2.2, 2.3, 2.4, …).
 * JFreeChart's own {@link LogAxis} spaces its ticks evenly in the exponent and labels them 10^0.3, which nobody
 * reads as 2.
 */
public final class DecadeAxis extends LogAxis {
    private static final long serialVersionUID = 1L;
    /** At most this many labelled decades; beyond it every second (third, …) decade is labelled. */
    private static final int MAX_LABELLED_DECADES = 9;
    /** Minor ticks at 2…9 × 10^k are drawn only up to this many decades, else they crowd. */
    private static final int MAX_DECADES_WITH_MINOR_TICKS = 6;
    private static final String SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /** One tick: where it stands and its label, empty for a minor tick. */
    record Tick(double value, String label) {
        boolean major() {
            return !label.isEmpty();
        }
    }

    public DecadeAxis(String label) {
        super(label);
        setBase(10);
        setMinorTickMarksVisible(true);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
                : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT
                : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        List<NumberTick> out = new ArrayList<>();
        for (Tick t : ticks(getLowerBound(), getUpperBound())) {
            out.add(new NumberTick(t.major() ? TickType.MAJOR : TickType.MINOR, t.value(), t.label(), anchor, anchor,
                    0));
        }
        return out;
    }

    /** The ticks of a logarithmic axis from {@code lower} to {@code upper} (both positive), in increasing order. */
    static List<Tick> ticks(double lower, double upper) {
        int first = (int) Math.ceil(Math.log10(lower) - 1e-9);
        int last = (int) Math.floor(Math.log10(upper) + 1e-9);
        int decades = last - first + 1;
        if (decades >= 3) {
            return decadeTicks(lower, upper, first, last);
        }
        for (int[] mantissas : new int[][] {{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            List<Tick> ticks = new ArrayList<>();
            for (int k = first - 1; k <= last + 1; k++) {
                for (int m : mantissas) {
                    double v = power(m, k);
                    if (v >= lower && v <= upper) {
                        ticks.add(new Tick(v, label(v)));
                    }
                }
            }
            if (ticks.size() >= 3) {
                return ticks;
            }
        }
        return linearTicks(lower, upper);
    }

    /** Powers of ten labelled (every one, or every second, … when there are many), 2…9 × them as minor ticks. */
    private static List<Tick> decadeTicks(double lower, double upper, int first, int last) {
        int decades = last - first + 1;
        int every = (decades + MAX_LABELLED_DECADES - 1) / MAX_LABELLED_DECADES;
        boolean minors = decades <= MAX_DECADES_WITH_MINOR_TICKS;
        List<Tick> ticks = new ArrayList<>();
        for (int k = first - 1; k <= last; k++) {
            double decade = power(1, k);
            if (decade >= lower) {
                ticks.add(new Tick(decade, Math.floorMod(k, every) == 0 ? label(decade) : ""));
            }
            for (int m = 2; minors && m <= 9; m++) {
                double v = power(m, k);
                if (v >= lower && v <= upper) {
                    ticks.add(new Tick(v, ""));
                }
            }
        }
        return ticks;
    }

    /** A range narrower than a few round numbers (2.2 to 2.8, say): evenly spaced steps of 1, 2 or 5 × 10^k. */
    private static List<Tick> linearTicks(double lower, double upper) {
        double rough = (upper - lower) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = magnitude * (rough / magnitude < 2 ? 1 : rough / magnitude < 5 ? 2 : 5);
        List<Tick> ticks = new ArrayList<>();
        for (long i = (long) Math.ceil(lower / step - 1e-9); i * step <= upper * (1 + 1e-12); i++) {
            double v = new BigDecimal(i).multiply(BigDecimal.valueOf(step)).doubleValue();
            ticks.add(new Tick(v, label(v)));
        }
        return ticks;
    }

    /** m × 10^k, exactly as the decimal literal (so 3 × 10⁻¹ is 0.3, not 0.30000000000000004). */
    private static double power(int m, int k) {
        return Double.parseDouble(m + "e" + k);
    }

    /**
     * A tick label: a plain number from 0.001 to 99,999 (0.001, 0.5, 20, 10,000), else m×10ᵏ with a superscript
     * exponent (10⁻⁶, 2×10⁸).
     */
    static String label(double v) {
        if (v >= 1e-3 && v < 1e5) {
            DecimalFormat plain = new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT));
            return plain.format(new BigDecimal(Double.toString(v)).round(new java.math.MathContext(6)));
        }
        int k = (int) Math.floor(Math.log10(v) + 1e-9);
        double m = v / Math.pow(10, k);
        String mantissa = Math.abs(m - 1) < 1e-9 ? "" : new BigDecimal(m).round(new java.math.MathContext(3))
                .stripTrailingZeros().toPlainString() + "×";
        return mantissa + "10" + superscript(k);
    }

    private static String superscript(int k) {
        StringBuilder out = new StringBuilder(k < 0 ? "⁻" : "");
        for (char c : Integer.toString(Math.abs(k)).toCharArray()) {
            out.append(SUPERSCRIPT_DIGITS.charAt(c - '0'));
        }
        return out.toString();
    }
}
