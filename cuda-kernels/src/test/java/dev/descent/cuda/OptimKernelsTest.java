package dev.descent.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.descent.core.AdamStep;
import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused update kernels over several steps on random data: Adam and AdamW against the CPU backend's fused loop
 * (bitwise), SGD and RMSprop against their formulas written out here in double precision (PyTorch's torch.optim).
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

    /**
     * Backend.adamStep over tensors that end inside, at and past a block's chunk (and an empty one), each with its own
     * rate, decay and step counter, in one launch: bitwise the CPU backend's values (the kernel rounds every
     * operation as the CPU loop does, which FusedOptimizerTest checks against PyTorch's formula in double).
     */
    @ParameterizedTest(name = "decoupled {0}, amsgrad {1}")
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    @SuppressWarnings("try")
    void adamStepOverManyTensorsIsBitwiseTheCpuBackends(boolean decoupled, boolean amsgrad) {
        CudaBackend gpu = Gpu.backend();
        Backend cpu = Backends.cpu();
        AdamStep step = new AdamStep(0.9, amsgrad ? 0.5 : 0.95, 1e-8, decoupled, amsgrad);
        int[] sizes = {1, 7, 4096, 4097, 300_001, 0};
        try (MemoryScope scope = gpu.scope()) {
            List<Tensor[]> onGpu = new ArrayList<>();
            List<Tensor[]> onCpu = new ArrayList<>();
            for (int k = 0; k < sizes.length; k++) {
                onGpu.add(state(gpu, randn(10 + k, sizes[k])));
                onCpu.add(state(cpu, randn(10 + k, sizes[k])));
            }
            for (int t = 1; t <= STEPS; t++) {
                List<AdamStep.Param> gpuParams = new ArrayList<>();
                List<AdamStep.Param> cpuParams = new ArrayList<>();
                for (int k = 0; k < sizes.length; k++) {
                    float[] g = randn(100 * t + k, sizes[k]);
                    double lr = 0.01 * (k + 1);
                    double wd = k % 2 == 0 ? 0.1 : 0;
                    long stepOfTensor = t + k;
                    gpuParams.add(param(step, onGpu.get(k), gpu.fromArray(g, Shape.of(sizes[k])), lr, wd, stepOfTensor));
                    cpuParams.add(param(step, onCpu.get(k), cpu.fromArray(g, Shape.of(sizes[k])), lr, wd, stepOfTensor));
                }
                assertThat(gpu.adamStep(step, gpuParams).item()).as("finite after step %d", t).isZero();
                assertThat(cpu.adamStep(step, cpuParams).item()).isZero();
                for (int k = 0; k < sizes.length; k++) {
                    for (int j = 0; j < 4; j++) {
                        assertThat(onGpu.get(k)[j].toArray()).as("tensor %d, %s after step %d", k,
                                List.of("θ", "m", "v", "vmax").get(j), t).containsExactly(onCpu.get(k)[j].toArray());
                    }
                }
                assertThat(gpuParams.get(4).grad().toArray()).as("the gradient is only read")
                        .containsExactly(cpuParams.get(4).grad().toArray());
            }
        }
    }

    /**
     * A NaN gradient or an infinite θ, in the last chunk of the third of three tensors, makes adamStep report a
     * non-finite write, as the CPU backend does; the same tensors without it do not.
     */
    @ParameterizedTest(name = "amsgrad {0}")
    @CsvSource({"false", "true"})
    @SuppressWarnings("try")
    void adamStepReportsANonFiniteWriteAsTheCpuDoes(boolean amsgrad) {
        CudaBackend gpu = Gpu.backend();
        Backend cpu = Backends.cpu();
        AdamStep step = new AdamStep(0.9, 0.95, 1e-8, true, amsgrad);
        int[] sizes = {5, 4096, 9000};
        try (MemoryScope scope = gpu.scope()) {
            for (int poisoned = -1; poisoned < 2; poisoned++) {
                List<AdamStep.Param> gpuParams = new ArrayList<>();
                List<AdamStep.Param> cpuParams = new ArrayList<>();
                for (int k = 0; k < sizes.length; k++) {
                    float[] theta = randn(20 + k, sizes[k]);
                    float[] g = randn(30 + k, sizes[k]);
                    if (k == 2 && poisoned == 0) {
                        g[8999] = Float.NaN;
                    } else if (k == 2 && poisoned == 1) {
                        theta[8999] = Float.POSITIVE_INFINITY;
                    }
                    gpuParams.add(param(step, state(gpu, theta), gpu.fromArray(g, Shape.of(sizes[k])), 0.01, 0.1, 1));
                    cpuParams.add(param(step, state(cpu, theta), cpu.fromArray(g, Shape.of(sizes[k])), 0.01, 0.1, 1));
                }
                boolean finite = poisoned < 0;
                assertThat(Float.isFinite(cpu.adamStep(step, cpuParams).item())).as("cpu, case %d", poisoned)
                        .isEqualTo(finite);
                assertThat(Float.isFinite(gpu.adamStep(step, gpuParams).item())).as("gpu, case %d", poisoned)
                        .isEqualTo(finite);
            }
        }
    }

    /** θ (from {@code theta}), m, v and vmax (zeros) on {@code backend}. */
    private static Tensor[] state(Backend backend, float[] theta) {
        Shape shape = Shape.of(theta.length);
        return new Tensor[] {backend.fromArray(theta, shape), backend.full(shape, 0f), backend.full(shape, 0f),
            backend.full(shape, 0f)};
    }

    private static AdamStep.Param param(AdamStep step, Tensor[] state, Tensor grad, double lr, double wd, long t) {
        return new AdamStep.Param(state[0], grad, state[1], state[2], step.amsgrad() ? state[3] : null, lr, wd, t);
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

    /** All tensors in two launches: the double sum within float rounding, the same on every run, 0 for none. */
    @Test
    @SuppressWarnings("try")
    void sumOfSquaresOfManyTensors() {
        CudaBackend gpu = Gpu.backend();
        int[] sizes = {1, 7, 0, 4096, 1000, 300_001};
        double expected = 0;
        try (MemoryScope scope = gpu.scope()) {
            List<Tensor> grads = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                float[] g = randn(400 + i, sizes[i]);
                for (float x : g) {
                    expected += (double) x * x;
                }
                grads.add(gpu.fromArray(g, Shape.of(sizes[i])));
            }
            Tensor s = gpu.sumOfSquares(grads);
            assertThat(s.shape()).isEqualTo(Shape.scalar());
            assertThat((double) s.item()).isCloseTo(expected, offset(expected * 1e-5));
            assertThat(gpu.sumOfSquares(grads).item()).as("deterministic").isEqualTo(s.item());
            assertThat(gpu.sumOfSquares(List.of()).item()).isZero();
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
            AdamStep.Param wrongGrad = new AdamStep.Param(p, gpu.full(Shape.of(4), 0f), p, p, null, 0.1, 0, 1);
            assertThatThrownBy(() -> gpu.adamStep(new AdamStep(0.9, 0.99, 1e-8, true, false), List.of(wrongGrad)))
                    .hasMessageContaining("shape (4) does not match the parameter's (3)");
            AdamStep.Param noMax = new AdamStep.Param(p, p, p, p, null, 0.1, 0, 1);
            assertThatThrownBy(() -> gpu.adamStep(new AdamStep(0.9, 0.99, 1e-8, true, true), List.of(noMax)))
                    .hasMessageContaining("adam: maxExpAvgSq is required");
        }
    }
}
