package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Rng;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link VectorAttention} against the plain-loop reference {@link CpuAttention} (double sums): output, log-sum-exp
 * and every gradient, on sequence lengths and head sizes that straddle the vector width (8 or 16 floats).
 */
class VectorAttentionTest {

    @ParameterizedTest(name = "B {0}, T {1}, heads {2}, hs {3}")
    @CsvSource({"1, 1, 1, 1", "2, 7, 3, 5", "1, 33, 2, 16", "2, 20, 4, 32", "1, 100, 2, 64", "1, 17, 1, 33"})
    void outputLogSumExpAndGradientsMatchTheReference(int batch, int t, int heads, int hs) {
        Rng rng = new Rng(31L * t + hs);
        int c = heads * hs;
        float[] qkv = gaussian(rng, batch * t * 3 * c);
        float[] dout = gaussian(rng, batch * t * c);

        float[] out = new float[batch * t * c];
        float[] lse = new float[batch * heads * t];
        new VectorAttention(qkv, t, heads, hs).forward(out, lse, batch);
        float[] refOut = new float[out.length];
        float[] refLse = new float[lse.length];
        new CpuAttention(qkv, t, heads, hs).forward(refOut, refLse, batch);
        assertClose("out", out, refOut, 1e-5);
        assertClose("lse", lse, refLse, 1e-5);

        float[] dqkv = new float[qkv.length];
        float[] refDqkv = new float[qkv.length];
        new VectorAttention(qkv, t, heads, hs).backward(dout, refOut, refLse, dqkv, batch);
        new CpuAttention(qkv, t, heads, hs).backward(dout, refOut, refLse, refDqkv, batch);
        assertClose("dqkv", dqkv, refDqkv, 1e-4);
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** |actual − expected| ≤ tolerance·(1 + |expected|) elementwise. */
    private static void assertClose(String what, float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %s, expected %s", what, i,
                        actual[i], expected[i]));
            }
        }
    }
}
