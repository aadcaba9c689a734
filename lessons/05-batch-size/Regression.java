package dev.descent.lessons.batchsize;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;

/**
 * A seeded linear-regression data set y = X·w_true + noise·ε, held on the host as a data loader holds its data,
 * from which batches of chosen rows are made into tensors on demand. It also knows its exact least-squares
 * solution (in double), so a run's distance from the best possible loss can be measured precisely.
 */
final class Regression {
    private final int examples;
    private final int features;
    private final float[] xs;
    private final float[] ys;
    /** G = XᵀX/N, half the Hessian of the loss. */
    private final double[][] gram;
    private final double[] wStar;
    private final double optimalLoss;

    private Regression(int examples, int features, float[] xs, float[] ys) {
        this.examples = examples;
        this.features = features;
        this.xs = xs;
        this.ys = ys;
        this.gram = new double[features][features];
        for (int n = 0; n < examples; n++) {
            for (int i = 0; i < features; i++) {
                for (int j = 0; j < features; j++) {
                    gram[i][j] += xs[n * features + i] * (double) xs[n * features + j] / examples;
                }
            }
        }
        this.wStar = solveNormalEquations();
        this.optimalLoss = loss(wStar);
    }

    /** N examples of D standard-normal features; w_true is standard normal too; ε ~ N(0, 1). */
    static Regression make(long seed, int examples, int features, float noise) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.randn(rng, examples, features);
        Tensor wTrue = Tensor.randn(rng, features, 1);
        Tensor y = x.matmul(wTrue).add(Tensor.randn(rng, examples, 1).mul(noise));
        return new Regression(examples, features, x.toArray(), y.toArray());
    }

    int examples() {
        return examples;
    }

    int features() {
        return features;
    }

    /** The inputs of the given rows, (B, D). */
    Tensor x(int[] rows) {
        float[] out = new float[rows.length * features];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(xs, rows[i] * features, out, i * features, features);
        }
        return Tensor.fromArray(out, rows.length, features);
    }

    /** The targets of the given rows, (B, 1). */
    Tensor y(int[] rows) {
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = ys[rows[i]];
        }
        return Tensor.fromArray(out, rows.length, 1);
    }

    /** Every row index, 0..N−1. */
    int[] allRows() {
        int[] rows = new int[examples];
        for (int i = 0; i < examples; i++) {
            rows[i] = i;
        }
        return rows;
    }

    /** w* = argmin_w (1/N)‖Xw − y‖², in double: the solution of the normal equations XᵀX w = Xᵀy. */
    double[] optimum() {
        return wStar.clone();
    }

    /** L* = (1/N)‖Xw* − y‖², the smallest possible mean squared error. */
    double optimalLoss() {
        return optimalLoss;
    }

    /**
     * L(w) − L* = (w − w*)ᵀ G (w − w*) with G = XᵀX/N, exact for least squares (the cross term vanishes at w*),
     * in double, so it stays accurate long after L(w) itself is indistinguishable from L* in float32.
     */
    double excessLoss(float[] w) {
        double excess = 0;
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < features; j++) {
                excess += (w[i] - wStar[i]) * gram[i][j] * (w[j] - wStar[j]);
            }
        }
        return excess;
    }

    /** Solves the normal equations G w = Xᵀy/N by Gaussian elimination (G is symmetric positive definite). */
    private double[] solveNormalEquations() {
        int d = features;
        double[][] system = new double[d][d + 1];
        for (int i = 0; i < d; i++) {
            System.arraycopy(gram[i], 0, system[i], 0, d);
            for (int n = 0; n < examples; n++) {
                system[i][d] += xs[n * d + i] * (double) ys[n] / examples;
            }
        }
        for (int col = 0; col < d; col++) {
            for (int row = col + 1; row < d; row++) {
                double factor = system[row][col] / system[col][col];
                for (int k = col; k <= d; k++) {
                    system[row][k] -= factor * system[col][k];
                }
            }
        }
        double[] w = new double[d];
        for (int row = d - 1; row >= 0; row--) {
            double rest = system[row][d];
            for (int k = row + 1; k < d; k++) {
                rest -= system[row][k] * w[k];
            }
            w[row] = rest / system[row][row];
        }
        return w;
    }

    /** (1/N)‖Xw − y‖² in double. */
    private double loss(double[] w) {
        double loss = 0;
        for (int n = 0; n < examples; n++) {
            double prediction = 0;
            for (int i = 0; i < features; i++) {
                prediction += xs[n * features + i] * w[i];
            }
            loss += (prediction - ys[n]) * (prediction - ys[n]) / examples;
        }
        return loss;
    }
}
