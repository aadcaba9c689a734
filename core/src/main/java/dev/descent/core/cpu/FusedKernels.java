package dev.descent.core.cpu;

/**
 * The fused row kernels behind the CPU backend's softmax, layer norm, cross-entropy and bias + GELU, and its sums
 * over an axis: {@link CpuFused} is the reference (plain loops, double sums), {@link VectorFused} the fast path on the
 * Vector API. Every row kernel works on {@code rows} rows of length {@code c}, row r at {@code r·c}.
 */
interface FusedKernels {
    /** The Vector API kernels where the JVM has the module, the reference otherwise. */
    static FusedKernels fastest() {
        return VectorApi.available() ? VectorFused.INSTANCE : CpuFused.INSTANCE;
    }

    /**
     * out[outOff + i] = Σ_k x[off + k·stride + i] for k &lt; n and i &lt; width: a sum over an axis, such as a bias
     * gradient's sum over a matrix's rows. Each column is summed in double from 0 in the order of k and rounded to
     * float once, so every implementation gives the same bits.
     */
    default void columnSums(float[] x, int off, int n, int stride, int width, float[] out, int outOff) {
        for (int i = 0; i < width; i++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += x[off + k * stride + i];
            }
            out[outOff + i] = (float) sum;
        }
    }

    /** y = softmax(x) or log-softmax(x) per row. */
    void softmax(float[] x, float[] y, int rows, int c, boolean log);

    /** dx from the softmax (or log-softmax) output y and the upstream gradient g. */
    void softmaxBackward(float[] y, float[] g, float[] dx, int rows, int c, boolean log);

    /** y = γ(x−μ)·rstd + β per row, with each row's μ and rstd written out. */
    void layerNorm(float[] x, float[] gamma, float[] beta, float eps, float[] y, float[] mean, float[] rstd, int rows,
                   int c);

    /**
     * dx, dγ and dβ of {@link #layerNorm} for the upstream gradient g; with {@code accumulate} dx is added into
     * (dx ← dx + that, as a separate float addition would) instead of overwritten.
     */
    void layerNormBackward(float[] g, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dx,
                           float[] dgamma, float[] dbeta, int rows, int c, boolean accumulate);

    /** y = gelu(h + b) per element of {@code rows} rows of {@code n}, GPT-2's tanh GELU; b has {@code n}. */
    void biasGelu(float[] h, float[] bias, float[] y, int rows, int n);

    /** du = dy ⊙ gelu'(h + b) per element, with the layout of {@link #biasGelu}. */
    void biasGeluBackward(float[] dy, float[] h, float[] bias, float[] du, int rows, int n);

    /** lₙ = (1−ε)(lse − x_y) + (ε/C)·Σ_c(lse − x_c) = (1−ε)(lse − x_y) + ε·(lse − mean(x)); 0 for ignored rows. */
    default void crossEntropy(float[] logits, int[] targets, float[] loss, int rows, int c, int ignoreIndex,
                              float smoothing) {
        Parallel.forRange(rows, 2L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (targets[r] == ignoreIndex) {
                    loss[r] = 0f;
                    continue;
                }
                int off = r * c;
                double lse = logSumExp(logits, off, c);
                double nll = lse - logits[off + targets[r]];
                double smoothed = smoothing == 0 ? 0 : lse - sum(logits, off, c) / c;
                loss[r] = (float) ((1 - smoothing) * nll + smoothing * smoothed);
            }
        });
    }

    /** dlogits = gₙ·(p − (1−ε)·onehot(y) − ε/C), zero rows where ignored. */
    default void crossEntropyBackward(float[] logits, int[] targets, float[] rowGrad, float[] dlogits, int rows,
                                      int c, int ignoreIndex, float smoothing) {
        Parallel.forRange(rows, 2L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                if (targets[r] == ignoreIndex) {
                    java.util.Arrays.fill(dlogits, off, off + c, 0f);
                    continue;
                }
                gradientRow(logits, dlogits, off, c, targets[r], rowGrad[r], smoothing);
            }
        });
    }

    /**
     * lₙ = lse − x_y and, over the same row, logits ← p − onehot(y); an ignored row gets loss 0 and zeros. In
     * place: the target logit is read before {@link #gradientRow} overwrites the row.
     */
    default void crossEntropyInPlace(float[] logits, int[] targets, float[] loss, int rows, int c, int ignoreIndex) {
        Parallel.forRange(rows, 2L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                if (targets[r] == ignoreIndex) {
                    java.util.Arrays.fill(logits, off, off + c, 0f);
                    loss[r] = 0f;
                    continue;
                }
                float picked = logits[off + targets[r]];
                loss[r] = (float) (gradientRow(logits, logits, off, c, targets[r], 1.0, 0f) - picked);
            }
        });
    }

    /** lse = m + log Σ e^(x−m) of the row {@code [off, off + c)}, m its max. */
    double logSumExp(float[] x, int off, int c);

    /** Σ x of the row {@code [off, off + c)}. */
    double sum(float[] x, int off, int c);

    /**
     * Writes d = g·(p − (1−ε)·onehot(t) − ε/C) for the row at {@code off} and returns its lse = m + log Σ e^(x−m).
     * d may be x itself.
     */
    double gradientRow(float[] x, float[] d, int off, int c, int target, double g, float smoothing);
}
