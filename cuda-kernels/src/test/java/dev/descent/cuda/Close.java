package dev.descent.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import dev.descent.core.Tensor;

/** Elementwise comparison |actual − expected| ≤ atol + rtol·|expected|, naming the first bad index and the worst error. */
record Close(double atol, double rtol) {
    static final Close EXACT = new Close(0, 0);

    void check(String what, Tensor expected, Tensor actual) {
        if (!expected.shape().equals(actual.shape())) {
            fail(what + ": shape " + actual.shape() + ", expected " + expected.shape());
        }
        check(what, expected.toArray(), actual.toArray());
    }

    void check(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        int bad = -1;
        int badCount = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean same = Double.compare(e, a) == 0 || (Double.isNaN(e) && Double.isNaN(a));
            double err = Math.abs(a - e);
            if (!same && !(err <= atol + rtol * Math.abs(e))) {
                badCount++;
                if (bad < 0) {
                    bad = i;
                }
            }
            if (!Double.isNaN(err)) {
                worst = Math.max(worst, err);
            }
        }
        if (bad >= 0) {
            fail(String.format("%s: %d of %d values differ; first at index %d: got %s, expected %s (atol %.1e, rtol "
                    + "%.1e); largest error %.3e", what, badCount, expected.length, bad, actual[bad], expected[bad], atol,
                    rtol, worst));
        }
    }
}
