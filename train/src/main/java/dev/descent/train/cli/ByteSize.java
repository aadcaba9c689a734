package dev.descent.train.cli;

import java.util.Locale;

/** Parses sizes such as {@code 8g}, {@code 512m}, {@code 1073741824} (powers of 1024). */
final class ByteSize {
    private ByteSize() {
    }

    static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g' || last == 't') {
            unit = 1L << (10 * ("kmgt".indexOf(last) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            double value = Double.parseDouble(s);
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a memory size: '" + text + "' (examples: 8g, 512m, 1073741824)");
        }
    }
}
