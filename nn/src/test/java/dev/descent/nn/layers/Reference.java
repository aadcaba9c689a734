package dev.descent.nn.layers;

/**
 * Plain double-precision loops that compute what the layers compute, written from the formulas, as the
 * hand computation the layers are tested against. Arrays are row-major; x is (N, in), W is (out, in).
 */
public final class Reference {
    private Reference() {
    }

    /** y = x·Wᵀ + b for x (n, in), W (out, in), b (out) or null. */
    public static double[] linear(double[] x, int n, float[] w, float[] b, int in, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    /** (x − μ)/√(σ² + ε)·γ + β per row of x (n, c), σ² biased. */
    public static double[] layerNorm(double[] x, int n, int c, float[] gamma, float[] beta, double eps) {
        double[] y = new double[n * c];
        for (int r = 0; r < n; r++) {
            double mean = 0;
            for (int i = 0; i < c; i++) {
                mean += x[r * c + i] / c;
            }
            double var = 0;
            for (int i = 0; i < c; i++) {
                var += Math.pow(x[r * c + i] - mean, 2) / c;
            }
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (x[r * c + i] - mean) / Math.sqrt(var + eps) * gamma[i] + beta[i];
            }
        }
        return y;
    }

    /** ½x(1 + tanh(√(2/π)(x + 0.044715x³))) */
    public static double[] geluTanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.5 * x[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * Math.pow(x[i], 3))));
        }
        return y;
    }

    /**
     * Causal multi-head attention on qkv (b·t, 3c) = [q | k | v]: for each batch, head and query position,
     * softmax over keys 0..t of q·k/√hs, then the weighted sum of values. Returns (b·t, c), heads merged.
     */
    public static double[] causalAttention(double[] qkv, int b, int t, int c, int heads) {
        int hs = c / heads;
        double[] y = new double[b * t * c];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] score = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double s = 0;
                        for (int d = 0; d < hs; d++) {
                            s += qkv[(bi * t + i) * 3 * c + h * hs + d] * qkv[(bi * t + j) * 3 * c + c + h * hs + d];
                        }
                        score[j] = s / Math.sqrt(hs);
                        max = Math.max(max, score[j]);
                    }
                    double total = 0;
                    for (int j = 0; j <= i; j++) {
                        score[j] = Math.exp(score[j] - max);
                        total += score[j];
                    }
                    for (int d = 0; d < hs; d++) {
                        double s = 0;
                        for (int j = 0; j <= i; j++) {
                            s += score[j] / total * qkv[(bi * t + j) * 3 * c + 2 * c + h * hs + d];
                        }
                        y[(bi * t + i) * c + h * hs + d] = s;
                    }
                }
            }
        }
        return y;
    }

    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
