package dev.descent.core.cpu;

/**
 * The fused row kernels of the CPU reference: softmax, layer norm, cross-entropy, bias + GELU. Each works on rows
 * of length {@code c} and accumulates sums in double; {@link VectorFused} is the fast path tested against them.
 */
final class CpuFused implements FusedKernels {
    static final CpuFused INSTANCE = new CpuFused();

    private CpuFused() {
    }

    /** y = softmax(x) or log-softmax(x) per row, max-subtracted: log Σ e^(x−m) never overflows. */
    @Override
    public void softmax(float[] x, float[] y, int rows, int c, boolean log) {
        Parallel.forRange(rows, 3L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                float max = rowMax(x, off, c);
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += Math.exp(x[off + j] - max);
                }
                if (log) {
                    double logSum = Math.log(sum);
                    for (int j = 0; j < c; j++) {
                        y[off + j] = (float) (x[off + j] - max - logSum);
                    }
                } else {
                    for (int j = 0; j < c; j++) {
                        y[off + j] = (float) (Math.exp(x[off + j] - max) / sum);
                    }
                }
            }
        });
    }

    /** Softmax: dx = y⊙(g − Σ g⊙y).  Log-softmax: dx = g − e^y·Σ g. */
    @Override
    public void softmaxBackward(float[] y, float[] g, float[] dx, int rows, int c, boolean log) {
        Parallel.forRange(rows, 3L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                double dot = 0;
                for (int j = 0; j < c; j++) {
                    dot += log ? g[off + j] : (double) g[off + j] * y[off + j];
                }
                for (int j = 0; j < c; j++) {
                    dx[off + j] = log ? (float) (g[off + j] - Math.exp(y[off + j]) * dot)
                            : (float) (y[off + j] * (g[off + j] - dot));
                }
            }
        });
    }

    /** Two-pass layer norm per row: μ, then σ² = mean((x−μ)²), rstd = 1/√(σ²+ε), y = γ(x−μ)rstd + β. */
    @Override
    public void layerNorm(float[] x, float[] gamma, float[] beta, float eps, float[] y, float[] mean, float[] rstd,
                          int rows, int c) {
        Parallel.forRange(rows, 4L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += x[off + j];
                }
                double mu = sum / c;
                double sq = 0;
                for (int j = 0; j < c; j++) {
                    double d = x[off + j] - mu;
                    sq += d * d;
                }
                double rs = 1.0 / Math.sqrt(sq / c + eps);
                for (int j = 0; j < c; j++) {
                    y[off + j] = (float) ((x[off + j] - mu) * rs * gamma[j] + beta[j]);
                }
                mean[r] = (float) mu;
                rstd[r] = (float) rs;
            }
        });
    }

    /**
     * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = g⊙γ and x̂ = (x−μ)·rstd;  dγ = Σ_rows g⊙x̂;  dβ = Σ_rows g.
     * With {@code accumulate}, dx ← dx + that (the float value added, as a separate addition would).
     */
    @Override
    public void layerNormBackward(float[] g, float[] x, float[] gamma, float[] mean, float[] rstd, float[] dx,
                                  float[] dgamma, float[] dbeta, int rows, int c, boolean accumulate) {
        Parallel.forRange(rows, 6L * c, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                double meanG = 0;
                double meanGx = 0;
                for (int j = 0; j < c; j++) {
                    double gh = (double) g[off + j] * gamma[j];
                    meanG += gh;
                    meanGx += gh * (x[off + j] - mean[r]) * rstd[r];
                }
                meanG /= c;
                meanGx /= c;
                for (int j = 0; j < c; j++) {
                    double xh = (x[off + j] - mean[r]) * rstd[r];
                    float d = (float) (rstd[r] * ((double) g[off + j] * gamma[j] - meanG - xh * meanGx));
                    dx[off + j] = accumulate ? dx[off + j] + d : d;
                }
            }
        });
        double[] dg = new double[c];
        double[] db = new double[c];
        for (int r = 0; r < rows; r++) {
            int off = r * c;
            for (int j = 0; j < c; j++) {
                dg[j] += (double) g[off + j] * (x[off + j] - mean[r]) * rstd[r];
                db[j] += g[off + j];
            }
        }
        for (int j = 0; j < c; j++) {
            dgamma[j] = (float) dg[j];
            dbeta[j] = (float) db[j];
        }
    }

    /** y = gelu(h + b) per element of {@code rows} rows of {@code n}, GPT-2's tanh GELU. */
    @Override
    public void biasGelu(float[] h, float[] bias, float[] y, int rows, int n) {
        Parallel.forRange(rows, 20L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * n;
                for (int j = 0; j < n; j++) {
                    float u = h[off + j] + bias[j];
                    y[off + j] = (float) ScalarMath.geluTanh(u);
                }
            }
        });
    }

    /** du = dy ⊙ gelu'(h + b) per element. */
    @Override
    public void biasGeluBackward(float[] dy, float[] h, float[] bias, float[] du, int rows, int n) {
        Parallel.forRange(rows, 25L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * n;
                for (int j = 0; j < n; j++) {
                    float u = h[off + j] + bias[j];
                    du[off + j] = dy[off + j] * (float) ScalarMath.geluTanhGrad(u);
                }
            }
        });
    }

    /** One exp per element: e^(x−m) is stored in d, summed in double, then turned into p in place. */
    @Override
    public double gradientRow(float[] x, float[] d, int off, int c, int target, double g, float smoothing) {
        float max = rowMax(x, off, c);
        double sum = 0;
        for (int j = 0; j < c; j++) {
            float e = (float) Math.exp(x[off + j] - max);
            d[off + j] = e;
            sum += e;
        }
        double scale = g / sum;
        double floor = g * smoothing / c;
        for (int j = 0; j < c; j++) {
            d[off + j] = (float) (scale * d[off + j] - floor);
        }
        d[off + target] -= (float) (g * (1.0 - smoothing));
        return max + Math.log(sum);
    }

    @Override
    public double logSumExp(float[] x, int off, int c) {
        float max = rowMax(x, off, c);
        double sum = 0;
        for (int j = 0; j < c; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public double sum(float[] x, int off, int c) {
        double sum = 0;
        for (int j = 0; j < c; j++) {
            sum += x[off + j];
        }
        return sum;
    }

    private static float rowMax(float[] x, int off, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }
}
