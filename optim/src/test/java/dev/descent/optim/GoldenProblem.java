package dev.descent.optim;

import dev.descent.core.Backend;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The fixed problem every golden trajectory runs on: three parameters of different shapes,
 * {@code W (2, 3)}, {@code c (2)} and {@code b (3)}, in that order, and the loss
 * <pre>
 * L = mean_{n,j} (x·W + b − y)²_{nj} + ¼·Σ_k (c_k − t_k)⁴        x (4, 2), y (4, 3), t (2)
 * ∂L/∂W_ij = (2/12)·Σ_n x_ni·r_nj ;  ∂L/∂b_j = (2/12)·Σ_n r_nj ;  ∂L/∂c_k = (c_k − t_k)³,   r = x·W + b − y
 * </pre>
 * The targets sit far from the start, so no gradient component passes near zero in a few steps.
 */
final class GoldenProblem {
    static final double[][] X = {{0.5, -1.0}, {1.5, 0.25}, {-0.75, 0.8}, {1.2, 1.1}};
    static final double[][] Y = {{3.0, -2.5, 4.0}, {2.2, -3.1, 3.5}, {2.8, -2.0, 5.1}, {3.3, -2.7, 4.4}};
    static final double[] T = {0.2, 0.3};
    static final double[] W0 = {0.6, -0.4, 0.9, -0.7, 0.8, 1.1};
    static final double[] C0 = {1.5, -0.6};
    static final double[] B0 = {1.2, -1.0, 1.6};
    static final int N = 4;
    static final int IN = 2;
    static final int OUT = 3;

    private GoldenProblem() {
    }

    /** Fresh float parameters W, c, b on {@code backend}, requiring gradients. */
    static List<Tensor> params(Backend backend) {
        return List.of(tensor(backend, W0, IN, OUT).requiresGrad(true), tensor(backend, C0, 2).requiresGrad(true),
                tensor(backend, B0, OUT).requiresGrad(true));
    }

    /** Fresh double parameters W, c, b (flattened row-major). */
    static double[][] referenceParams() {
        return new double[][] {W0.clone(), C0.clone(), B0.clone()};
    }

    /** Runs the float loss forward and backward, leaving ∇L in each parameter's grad. */
    static void backward(List<Tensor> params) {
        loss(params).backward();
    }

    /** L at the float parameters {W, c, b}, with its graph. */
    static Tensor loss(List<Tensor> params) {
        Tensor w = params.get(0);
        Tensor c = params.get(1);
        Tensor b = params.get(2);
        Backend backend = w.backend();
        Tensor x = tensor(backend, flatten(X), N, IN);
        Tensor y = tensor(backend, flatten(Y), N, OUT);
        Tensor t = tensor(backend, T, 2);
        Tensor r = x.matmul(w).add(b).sub(y);
        return r.mul(r).mean().add(c.sub(t).pow(4f).sum().mul(0.25f));
    }

    /** ∇L at the double parameters {W, c, b}, from the formulas in the class comment. */
    static double[][] referenceGradient(double[][] p) {
        double[] w = p[0];
        double[] c = p[1];
        double[] b = p[2];
        double[] dw = new double[IN * OUT];
        double[] db = new double[OUT];
        double scale = 2.0 / (N * OUT);
        for (int n = 0; n < N; n++) {
            for (int j = 0; j < OUT; j++) {
                double r = b[j] - Y[n][j];
                for (int i = 0; i < IN; i++) {
                    r += X[n][i] * w[i * OUT + j];
                }
                db[j] += scale * r;
                for (int i = 0; i < IN; i++) {
                    dw[i * OUT + j] += scale * X[n][i] * r;
                }
            }
        }
        double[] dc = new double[c.length];
        for (int k = 0; k < c.length; k++) {
            dc[k] = Math.pow(c[k] - T[k], 3);
        }
        return new double[][] {dw, dc, db};
    }

    private static Tensor tensor(Backend backend, double[] values, int... dims) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return backend.fromArray(f, Shape.of(dims));
    }

    private static double[] flatten(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }
}
