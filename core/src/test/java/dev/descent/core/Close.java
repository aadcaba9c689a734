package dev.descent.core;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Elementwise comparison of long float arrays in linear time (AssertJ's containsExactly with a tolerance
 * compares every pair when reporting, which is slow on arrays of 10⁵ elements); a failure names the first
 * element that differs.
 */
final class Close {
    private Close() {
    }

    static void assertClose(String what, float[] actual, float[] expected, double tolerance) {
        assertThat(actual.length).as("%s: length", what).isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                throw new AssertionError(String.format(java.util.Locale.ROOT,
                        "%s: element %d is %s, expected %s within %s", what, i, actual[i], expected[i], tolerance));
            }
        }
    }
}
