package dev.descent.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.descent.core.Rng;
import java.util.Locale;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API row kernels ({@link VectorFused}, {@link VectorMath}) against the plain-loop reference
 * ({@link CpuFused}, {@link ScalarMath}, {@link Math#exp}) on odd row lengths: 1, 7, 33 and 1000 columns straddle
 * the vector width (8 or 16) and the 16-float blocks of the sums, with a plain-Java tail; rows of 50,304 are the
 * GPT-2 vocabulary. The vector side sums in float, the reference in double: the tolerances allow that rounding and
 * nothing more.
 */
class VectorFusedTest {
    private static final FusedKernels FAST = VectorFused.INSTANCE;
    private static final FusedKernels REFERENCE = CpuFused.INSTANCE;

    @Test
    void expIsWithinTwoUlpOfMathExpAndHandlesTheEdges() {
        float[] x = new float[200_003];
        for (int i = 0; i < x.length; i++) {
            x[i] = -87.3f + 175.6f * i / (x.length - 1);
        }
        float[] e = applyExp(x);
        for (int i = 0; i < x.length; i++) {
            float expected = (float) Math.exp(x[i]);
            if (Float.isFinite(expected)) {
                assertThat(Math.abs(e[i] - expected)).as("exp(%s)", x[i]).isLessThanOrEqualTo(2 * Math.ulp(expected));
            }
        }
        float[] edges = applyExp(new float[] {Float.NEGATIVE_INFINITY, -1000f, -88f, 0f, 89f, Float.POSITIVE_INFINITY,
            Float.NaN});
        assertThat(edges).containsExactly(0f, 0f, 0f, 1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
                Float.NaN);
    }

    /** The row kernels' exp, without the clamp above, gives exp's bits wherever it cannot overflow. */
    @Test
    void expOfNonPositiveHasExpsBitsUpToItsBound() {
        float[] x = new float[100_003];
        for (int i = 0; i < x.length; i++) {
            x[i] = -100f + 188.72f * i / (x.length - 1);
        }
        x[0] = Float.NEGATIVE_INFINITY;
        x[1] = Float.NaN;
        x[2] = -0f;
        assertThat(applyExp(x, true)).containsExactly(applyExp(x, false));
    }

    private static float[] applyExp(float[] x) {
        return applyExp(x, false);
    }

    /** VectorMath.exp (or expOfNonPositive) over x, run on a copy zero-padded to whole vectors. */
    private static float[] applyExp(float[] x, boolean nonPositive) {
        int padded = (x.length + VectorMath.L - 1) / VectorMath.L * VectorMath.L;
        float[] in = java.util.Arrays.copyOf(x, padded);
        float[] out = new float[padded];
        for (int j = 0; j < padded; j += VectorMath.L) {
            FloatVector v = FloatVector.fromArray(VectorMath.SPECIES, in, j);
            (nonPositive ? VectorMath.expOfNonPositive(v) : VectorMath.exp(v)).intoArray(out, j);
        }
        return java.util.Arrays.copyOf(out, x.length);
    }

    @Test
    void geluAndItsGradientMatchTheScalarFormulas() {
        float[] x = new float[20_011];
        for (int i = 0; i < x.length; i++) {
            x[i] = -12f + 24f * i / (x.length - 1);
        }
        x[0] = -1e4f;
        x[1] = 1e4f;
        float[] y = new float[x.length];
        float[] dy = new float[x.length];
        VectorFused.geluTanh(x, y);
        VectorFused.geluTanhGrad(x, dy);
        for (int i = 0; i < x.length; i++) {
            assertNear("gelu", i, y[i], ScalarMath.geluTanh(x[i]), 1e-6, 1e-6);
            assertNear("gelu'", i, dy[i], ScalarMath.geluTanhGrad(x[i]), 1e-6, 1e-6);
        }
    }

    /**
     * Attention's sums over keys and queries: the bits of one axpy per row into zeros, or into the values y held, on
     * widths around the vector blocks.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 20, 32, 33, 64, 100})
    void weightedSumHasTheBitsOfAxpys(int c) {
        Rng rng = new Rng(c + 11);
        int rows = 37;
        int stride = c + 5;
        float[] w = gaussian(rng, 4 + rows, 1);
        float[] x = gaussian(rng, 3 + rows * stride, 2);
        float[] start = gaussian(rng, c, 3);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] expected = accumulate ? start.clone() : new float[c];
            for (int k = 0; k < rows; k++) {
                axpy(w[4 + k], x, 3 + k * stride, expected, c);
            }
            float[] actual = new float[c + 2];
            System.arraycopy(start, 0, actual, 2, c);
            VectorRows.weightedSum(w, 4, rows, x, 3, stride, actual, 2, c, accumulate);
            assertThat(java.util.Arrays.copyOfRange(actual, 2, c + 2)).as("accumulate %s", accumulate)
                    .containsExactly(expected);
        }
    }

    /** y[j] += a·x[off + j]: one fused multiply-add where the vector loops run, a product and a sum after them. */
    private static void axpy(float a, float[] x, int off, float[] y, int c) {
        int bound = c - c % VectorMath.W;
        for (int j = 0; j < c; j++) {
            y[j] = j < bound ? Math.fma(a, x[off + j], y[j]) : y[j] + a * x[off + j];
        }
    }

    /**
     * The row sums are, bit for bit, 16 float sums (lane j mod 16 for element j, in order) added in lane order,
     * then the last c mod 16 elements: an order that does not depend on the machine's vector width, so AVX2 and
     * AVX-512 machines print the same numbers.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 1000})
    void rowSumsAreSixteenLaneSumsWhateverTheVectorWidth(int c) {
        Rng rng = new Rng(c + 5);
        float[] x = gaussian(rng, c + 3, 2);
        float[] y = gaussian(rng, c + 3, 2);
        float[] lanes = new float[VectorMath.W];
        float[] products = new float[VectorMath.W];
        int bound = c - c % VectorMath.W;
        for (int j = 0; j < bound; j++) {
            lanes[j % VectorMath.W] += x[3 + j];
            products[j % VectorMath.W] = Math.fma(x[3 + j], y[j], products[j % VectorMath.W]);
        }
        float sum = lanes[0];
        float dot = products[0];
        for (int i = 1; i < VectorMath.W; i++) {
            sum += lanes[i];
            dot += products[i];
        }
        for (int j = bound; j < c; j++) {
            sum += x[3 + j];
            dot += x[3 + j] * y[j];
        }
        assertThat(VectorRows.sum(x, 3, c, 0f)).isEqualTo(sum);
        assertThat(VectorRows.dot(x, 3, y, 0, c)).isEqualTo(dot);
    }

    /**
     * A sum over an axis has the bits of each column summed in double in the order of the rows, on the vector path
     * and the reference alike: columns at an offset, a stride wider than the columns summed, widths that leave a
     * tail of columns past the last whole vector, and no rows at all.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 1000})
    void columnSumsAreDoubleSumsInTheOrderOfTheRows(int width) {
        int stride = width + 5;
        for (int n : new int[] {0, 1, 37}) {
            float[] x = gaussian(new Rng(width + n), 3 + n * stride, 8);
            float[] expected = new float[width + 2];
            for (int i = 0; i < width; i++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += x[3 + k * stride + i];
                }
                expected[2 + i] = (float) sum;
            }
            for (FusedKernels kernels : new FusedKernels[] {VectorFused.INSTANCE, CpuFused.INSTANCE}) {
                float[] out = new float[width + 2];
                kernels.columnSums(x, 3, n, stride, width, out, 2);
                assertThat(out).as("%s, %d rows", kernels.getClass().getSimpleName(), n).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1000})
    void softmaxAndItsBackwardMatchTheReference(int c) {
        int rows = 37;
        Rng rng = new Rng(c);
        float[] x = gaussian(rng, rows * c, 4);
        float[] g = gaussian(rng, rows * c, 1);
        for (boolean log : new boolean[] {false, true}) {
            float[] slow = assertSoftmaxMatchesTheReference(x, rows, c, log, 1e-6);
            float[] fastDx = new float[x.length];
            float[] slowDx = new float[x.length];
            FAST.softmaxBackward(slow, g, fastDx, rows, c, log);
            REFERENCE.softmaxBackward(slow, g, slowDx, rows, c, log);
            assertClose("softmax backward log=" + log, fastDx, slowDx, 1e-5, 1e-5);
        }
    }

    /**
     * Rows 200 apart, so that exps taken from a neighbour's max overflow to ∞ or all round to 0: softmax and
     * cross-entropy in place take each row's max in the walk over the row before it, and a max from the wrong row
     * fails here, while on rows of one scale it would only move the last bits.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1000})
    void everyRowIsShiftedByItsOwnMax(int c) {
        int rows = 37;
        float[] x = gaussian(new Rng(c + 3), rows * c, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] += (i / c) % 2 == 0 ? 100f : -100f;
        }
        assertSoftmaxMatchesTheReference(x, rows, c, false, 1e-6);
        // log-softmax rounds the float m + log Σ, near ±100, to within an ulp of 100 before subtracting it
        assertSoftmaxMatchesTheReference(x, rows, c, true, 2 * Math.ulp(100f));
        int[] targets = IntStream.range(0, rows).map(r -> r * 7919 % c).toArray();
        assertCrossEntropyInPlaceMatchesTheReference(x, targets, rows, c);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1000, 50_304})
    void crossEntropyForwardBackwardAndInPlaceMatchTheReference(int c) {
        int rows = c > 1000 ? 3 : 37;
        Rng rng = new Rng(c + 1);
        float[] logits = gaussian(rng, rows * c, 3);
        int[] targets = new int[rows];
        float[] rowGrad = gaussian(rng, rows, 1);
        for (int r = 0; r < rows; r++) {
            targets[r] = r % 5 == 1 ? -100 : rng.nextInt(c);
        }
        for (float smoothing : new float[] {0f, 0.1f}) {
            float[] fast = new float[rows];
            float[] slow = new float[rows];
            FAST.crossEntropy(logits, targets, fast, rows, c, -100, smoothing);
            REFERENCE.crossEntropy(logits, targets, slow, rows, c, -100, smoothing);
            assertClose("loss smoothing=" + smoothing, fast, slow, 1e-5, 1e-5);
            float[] fastD = new float[logits.length];
            float[] slowD = new float[logits.length];
            FAST.crossEntropyBackward(logits, targets, rowGrad, fastD, rows, c, -100, smoothing);
            REFERENCE.crossEntropyBackward(logits, targets, rowGrad, slowD, rows, c, -100, smoothing);
            assertClose("dlogits smoothing=" + smoothing, fastD, slowD, 1e-6, 1e-5);
        }
        assertCrossEntropyInPlaceMatchesTheReference(logits, targets, rows, c);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1000})
    void layerNormForwardAndBackwardMatchTheReference(int c) {
        int rows = 37;
        Rng rng = new Rng(c + 2);
        float[] x = gaussian(rng, rows * c, 3);
        float[] gamma = gaussian(rng, c, 1);
        float[] beta = gaussian(rng, c, 1);
        float[] g = gaussian(rng, rows * c, 1);
        float[] fastY = new float[x.length];
        float[] slowY = new float[x.length];
        float[] fastMean = new float[rows];
        float[] slowMean = new float[rows];
        float[] fastRstd = new float[rows];
        float[] slowRstd = new float[rows];
        FAST.layerNorm(x, gamma, beta, 1e-5f, fastY, fastMean, fastRstd, rows, c);
        REFERENCE.layerNorm(x, gamma, beta, 1e-5f, slowY, slowMean, slowRstd, rows, c);
        assertClose("y", fastY, slowY, 1e-5, 1e-5);
        assertClose("mean", fastMean, slowMean, 1e-6, 1e-5);
        assertClose("rstd", fastRstd, slowRstd, 1e-6, 1e-5);

        float[] residual = gaussian(rng, rows * c, 1);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[][] fast = {accumulate ? residual.clone() : new float[x.length], new float[c], new float[c]};
            float[][] slow = {accumulate ? residual.clone() : new float[x.length], new float[c], new float[c]};
            FAST.layerNormBackward(g, x, gamma, slowMean, slowRstd, fast[0], fast[1], fast[2], rows, c, accumulate);
            REFERENCE.layerNormBackward(g, x, gamma, slowMean, slowRstd, slow[0], slow[1], slow[2], rows, c,
                    accumulate);
            assertClose("dx accumulate=" + accumulate, fast[0], slow[0], 1e-5, 1e-4);
            assertClose("dgamma", fast[1], slow[1], 1e-5, 1e-5);
            assertClose("dbeta", fast[2], slow[2], 1e-5, 1e-5);
        }
    }

    /**
     * Against the reference, and bit for bit against the unary GELU of h + b: an element's GELU does not depend on
     * where it sits in a row (the fused MLP and its composition agree exactly).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1000})
    void biasGeluAndItsBackwardMatchTheReferenceAndTheUnaryGelu(int n) {
        int rows = 37;
        Rng rng = new Rng(n + 3);
        float[] h = gaussian(rng, rows * n, 3);
        float[] bias = gaussian(rng, n, 1);
        float[] dy = gaussian(rng, rows * n, 1);
        float[] u = new float[h.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = h[i] + bias[i % n];
        }
        float[] fast = new float[h.length];
        float[] slow = new float[h.length];
        float[] unary = new float[h.length];
        FAST.biasGelu(h, bias, fast, rows, n);
        REFERENCE.biasGelu(h, bias, slow, rows, n);
        VectorFused.geluTanh(u, unary);
        assertClose("gelu(h + b)", fast, slow, 1e-6, 1e-6);
        assertThat(fast).containsExactly(unary);
        FAST.biasGeluBackward(dy, h, bias, fast, rows, n);
        REFERENCE.biasGeluBackward(dy, h, bias, slow, rows, n);
        VectorFused.geluTanhGrad(u, unary);
        for (int i = 0; i < u.length; i++) {
            unary[i] *= dy[i];
        }
        assertClose("dy * gelu'(h + b)", fast, slow, 1e-6, 1e-6);
        assertThat(fast).containsExactly(unary);
    }

    /** Softmax (or log-softmax) of x, fast and reference, agree within abs + 1e-5 relative; returns the reference. */
    private static float[] assertSoftmaxMatchesTheReference(float[] x, int rows, int c, boolean log, double abs) {
        float[] fast = new float[x.length];
        float[] slow = new float[x.length];
        FAST.softmax(x, fast, rows, c, log);
        REFERENCE.softmax(x, slow, rows, c, log);
        assertClose("softmax log=" + log, fast, slow, abs, 1e-5);
        return slow;
    }

    /** Cross-entropy in place on copies of {@code logits}, fast and reference: the losses and p − y agree. */
    private static void assertCrossEntropyInPlaceMatchesTheReference(float[] logits, int[] targets, int rows, int c) {
        float[] fastIn = logits.clone();
        float[] slowIn = logits.clone();
        float[] fastLoss = new float[rows];
        float[] slowLoss = new float[rows];
        FAST.crossEntropyInPlace(fastIn, targets, fastLoss, rows, c, -100);
        REFERENCE.crossEntropyInPlace(slowIn, targets, slowLoss, rows, c, -100);
        assertClose("in-place loss", fastLoss, slowLoss, 1e-5, 1e-5);
        assertClose("in-place p - y", fastIn, slowIn, 1e-6, 1e-5);
    }

    private static float[] gaussian(Rng rng, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * rng.nextGaussian());
        }
        return v;
    }

    private static void assertClose(String what, float[] actual, float[] expected, double abs, double rel) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertNear(what, i, actual[i], expected[i], abs, rel);
        }
    }

    private static void assertNear(String what, int i, double actual, double expected, double abs, double rel) {
        if (!(Math.abs(actual - expected) <= abs + rel * Math.abs(expected))) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %s, expected %s (abs %s, rel %s)",
                    what, i, actual, expected, abs, rel));
        }
    }
}
