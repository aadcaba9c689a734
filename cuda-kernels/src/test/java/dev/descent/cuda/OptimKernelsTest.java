package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused update kernels against the optimizer formulas written out here in double precision (PyTorch's
 * single-tensor code paths in torch.optim), over several steps on random data.
 */
@Tag("gpu")
class OptimKernelsTest {
    private static final int N = 1000;
    private static final int STEPS = 5;
    private static final Close UPDATE = new Close(1e-6, 1e-5);

    private static float[] randn(long seed, int n) {
        return Backends.cpu().randn(Shape.of(n), new Rng(seed)).toArray();
    }

    private static Tensor up(CudaBackend gpu, double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return gpu.fromArray(f, Shape.of(v.length));
    }

    private static double[] copy(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @ParameterizedTest(name = "decoupled weight decay: {0}")
    @ValueSource(booleans = {true, false})
    @SuppressWarnings("try")
    void adamAndAdamWFollowTheFormulaStepByStep(boolean decoupled) {
        CudaBackend gpu = Gpu.backend();
        double lr = 1e-2;
        double beta1 = 0.9;
        double beta2 = 0.95;
        double eps = 1e-8;
        double wd = 0.1;
        double[] p = copy(randn(1, N));
        double[] m = new double[N];
        double[] v = new double[N];
        try (MemoryScope scope = gpu.scope()) {
            Tensor param = up(gpu, p);
            Tensor mt = up(gpu, m);
            Tensor vt = up(gpu, v);
            for (int t = 1; t <= STEPS; t++) {
                float[] g = randn(100 + t, N);
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                for (int i = 0; i < N; i++) {
                    double grad = g[i];
                    if (decoupled) {
                        p[i] *= 1 - lr * wd;                                     // θ ← θ(1 − γλ)
                    } else {
                        grad += wd * p[i];                                       // g ← g + λθ
                    }
                    m[i] = beta1 * m[i] + (1 - beta1) * grad;
                    v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
                    p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
                }
                Tensor grad = gpu.fromArray(g, Shape.of(N));
                if (decoupled) {
                    gpu.optimKernels().adamw(param, grad, mt, vt, (float) lr, (float) beta1, (float) beta2, (float) eps,
                            (float) wd, (float) bc1, (float) bc2);
                } else {
                    gpu.optimKernels().adam(param, grad, mt, vt, (float) lr, (float) beta1, (float) beta2, (float) eps,
                            (float) wd, (float) bc1, (float) bc2);
                }
                UPDATE.check("param after step " + t, floats(p), param.toArray());
                UPDATE.check("m after step " + t, floats(m), mt.toArray());
                new Close(1e-7, 1e-5).check("v after step " + t, floats(v), vt.toArray());
                assertThat(grad.toArray()).as("the gradient is only read").containsExactly(g);
            }
        }
    }

    @ParameterizedTest(name = "nesterov {0}")
    @ValueSource(booleans = {false, true})
    @SuppressWarnings("try")
    void sgdWithMomentumDampeningAndWeightDecay(boolean nesterov) {
        CudaBackend gpu = Gpu.backend();
        double lr = 0.05;
        double mu = 0.9;
        double tau = nesterov ? 0 : 0.1;
        double wd = 0.01;
        double[] p = copy(randn(2, N));
        double[] buf = new double[N];
        try (MemoryScope scope = gpu.scope()) {
            Tensor param = up(gpu, p);
            Tensor b = gpu.full(Shape.of(N), 0f);
            for (int t = 1; t <= STEPS; t++) {
                float[] g = randn(200 + t, N);
                for (int i = 0; i < N; i++) {
                    double d = g[i] + wd * p[i];
                    buf[i] = t == 1 ? d : mu * buf[i] + (1 - tau) * d;          // first step: b = g, no dampening
                    d = nesterov ? d + mu * buf[i] : buf[i];
                    p[i] -= lr * d;
                }
                gpu.optimKernels().sgd(param, gpu.fromArray(g, Shape.of(N)), b, (float) lr, (float) mu, (float) tau,
                        (float) wd, nesterov, t == 1);
                UPDATE.check("sgd param after step " + t, floats(p), param.toArray());
            }
        }
    }

    @ParameterizedTest(name = "centered {0}")
    @ValueSource(booleans = {false, true})
    @SuppressWarnings("try")
    void rmspropWithMomentum(boolean centered) {
        CudaBackend gpu = Gpu.backend();
        double lr = 1e-2;
        double alpha = 0.99;
        double eps = 1e-8;
        double wd = 0.01;
        double mu = 0.5;
        double[] p = copy(randn(3, N));
        double[] sq = new double[N];
        double[] avg = new double[N];
        double[] buf = new double[N];
        try (MemoryScope scope = gpu.scope()) {
            Tensor param = up(gpu, p);
            Tensor sqT = gpu.full(Shape.of(N), 0f);
            Tensor avgT = gpu.full(Shape.of(N), 0f);
            Tensor bufT = gpu.full(Shape.of(N), 0f);
            for (int t = 1; t <= STEPS; t++) {
                float[] g = randn(300 + t, N);
                for (int i = 0; i < N; i++) {
                    double d = g[i] + wd * p[i];
                    sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
                    double vv = sq[i];
                    if (centered) {
                        avg[i] += (1 - alpha) * (d - avg[i]);
                        vv -= avg[i] * avg[i];
                    }
                    buf[i] = mu * buf[i] + d / (Math.sqrt(vv) + eps);
                    p[i] -= lr * buf[i];
                }
                gpu.optimKernels().rmsprop(param, gpu.fromArray(g, Shape.of(N)), sqT, centered ? avgT : null, bufT,
                        (float) lr, (float) alpha, (float) eps, (float) wd, (float) mu, centered);
                new Close(1e-5, 1e-4).check("rmsprop param after step " + t, floats(p), param.toArray());
            }
        }
    }

    @Test
    @SuppressWarnings("try")
    void sumOfSquaresAddsEveryTensorInDouble() {
        CudaBackend gpu = Gpu.backend();
        int[] sizes = {1, 7, 1000, 300_001};
        double expected = 0;
        try (MemoryScope scope = gpu.scope()) {
            List<Tensor> grads = new java.util.ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                float[] g = randn(400 + i, sizes[i]);
                for (float x : g) {
                    expected += (double) x * x;
                }
                grads.add(gpu.fromArray(g, Shape.of(sizes[i])));
            }
            Tensor s = gpu.optimKernels().sumOfSquares(grads);
            assertThat(s.shape()).isEqualTo(Shape.scalar());
            assertThat((double) s.item()).isCloseTo(expected, org.assertj.core.data.Offset.offset(expected * 1e-5));
            assertThat(gpu.optimKernels().sumOfSquares(grads).item()).as("deterministic").isEqualTo(s.item());
        }
    }

    @Test
    @SuppressWarnings("try")
    void missingStateIsNamed() {
        CudaBackend gpu = Gpu.backend();
        try (MemoryScope scope = gpu.scope()) {
            Tensor p = gpu.full(Shape.of(3), 1f);
            assertThatThrownBy(() -> gpu.optimKernels().sgd(p, p, null, 0.1f, 0.9f, 0, 0, false, true))
                    .hasMessageContaining("sgd: momentumBuffer is required");
            assertThatThrownBy(() -> gpu.optimKernels().adamw(p, gpu.full(Shape.of(4), 0f), p, p, 0.1f, 0.9f, 0.99f,
                    1e-8f, 0, 1, 1)).hasMessageContaining("shape (4) does not match the parameter's (3)");
        }
    }
}
