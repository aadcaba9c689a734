package dev.descent.cuda.memory;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people write them: {@code 8g}, {@code 1.5GiB}, {@code 512m}, {@code 4096}. Units are powers of 1024. */
public final class ByteSize {
    private static final Pattern FORM = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?\\s*");
    private static final String UNITS = "kmgt";

    private ByteSize() {
    }

    /**
     * Parses a size: a number with an optional unit k, m, g or t (powers of 1024), optionally followed by {@code b}
     * or {@code ib}, case-insensitive. The error names the text and shows accepted forms.
     */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: '" + text + "' (examples: 8g, 1.5GiB, 512m, 4096)");
        }
        int power = m.group(2).isEmpty() ? 0 : UNITS.indexOf(m.group(2)) + 1;
        double value = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (value >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("byte size '" + text + "' is too large");
        }
        return (long) Math.ceil(value);
    }

    /** A short human form: {@code 512 B}, {@code 1.50 KiB}, {@code 8.00 GiB}. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int power = 0;
        double v = bytes;
        while (v >= 1024 && power < UNITS.length()) {
            v /= 1024;
            power++;
        }
        return String.format(Locale.ROOT, "%.2f %siB", v, Character.toUpperCase(UNITS.charAt(power - 1)));
    }
}
