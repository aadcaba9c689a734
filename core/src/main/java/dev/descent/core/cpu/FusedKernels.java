package dev.descent.core.cpu;

/**
 * The fused row kernels behind the CPU backend's softmax, layer norm and cross-entropy: {@link CpuFused} is the
 * reference (plain loops, double sums), {@link VectorFused} the fast path on the Vector API. Every kernel works on
 * {@code rows} rows of length {@code c}, row r at {@code r·c}.
 */
interface FusedKernels {
    /** The Vector API kernels where the JVM has the module, the reference otherwise. */
    static FusedKernels fastest() {
        return VectorApi.available() ? VectorFused.INSTANCE : CpuFused.INSTANCE;
    }

    /** y = softmax(x) or log-softmax(x) per row. */
    void softmax(float[] x, float[] y, int rows, int c, boolean log);

    /** dx from the softmax (or log-softmax) output y and the upstream gradient g. */
    void softmaxBackward(float[] y, float[] g, float[] dx, int rows, int c, boolean log);

    /** y = γ(x−μ)·rstd + β per row, with each row's μ and rstd written out. */
    void layerNorm(float[] x, float[] gamma, float[] beta, float eps, float[] y, float[] mean, float[] rstd, int rows,
                   int c);

    /** dx, dγ and dβ of {@link #layerNorm} for the upstream gradient g. */
    void layerNormBackward(float[] g, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dx,
                           float[] dgamma, float[] dbeta, int rows, int c);

    /** The loss of each row, with label smoothing; 0 for rows whose target is ignoreIndex. */
    void crossEntropy(float[] logits, int[] targets, float[] loss, int rows, int c, int ignoreIndex, float smoothing);

    /** dlogits for per-row upstream gradients, with label smoothing; zero rows where ignored. */
    void crossEntropyBackward(float[] logits, int[] targets, float[] rowGrad, float[] dlogits, int rows, int c,
                              int ignoreIndex, float smoothing);

    /** The loss of each row, and the logits overwritten with softmax − one-hot (zeros where ignored). */
    void crossEntropyInPlace(float[] logits, int[] targets, float[] loss, int rows, int c, int ignoreIndex);
}
