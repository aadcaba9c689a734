package dev.descent.cuda.kernels;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.List;

/**
 * Fused optimizer updates and the gradient-norm reduction on {@code optim.cu}, for a trainer that keeps its
 * parameters on a CUDA backend ({@code CudaBackend.optimKernels()}; the optim module cannot depend on this one).
 * Each update rewrites the parameter and its state tensors in place in one kernel; the gradient is only read.
 * Formulas: PyTorch's single-tensor code paths in torch.optim (step t counted from 1; ε added after the bias
 * correction of √v), written out on each method.
 */
public final class CudaOptimKernels {
    private static final int THREADS = 256;
    private static final int MAX_PARTIALS = 1024;

    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaOptimKernels(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    /**
     * AdamW step: θ ← θ(1 − γλ); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − (γ/bc1)·m / (√v/√bc2 + ε),
     * with bc1 = 1 − β1^t and bc2 = 1 − β2^t for step t (counted from 1).
     */
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                             float eps, float weightDecay, float bc1, float bc2) {
        adamStep("adamw", param, grad, m, v, lr, beta1, beta2, eps, weightDecay, true, bc1, bc2);
    }

    /** Adam step with coupled L2 decay: g ← g + λθ, then the moments and update as in {@link #adamw} without decay. */
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                            float eps, float weightDecay, float bc1, float bc2) {
        adamStep("adam", param, grad, m, v, lr, beta1, beta2, eps, weightDecay, false, bc1, bc2);
    }

    private void adamStep(String op, Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                 float beta2, float eps, float wd, boolean decoupled, float bc1, float bc2) {
        sameShape(op, param, grad, m, v);
        int n = param.numel();
        if (n > 0) {
            stream.launch(Kernels.ADAM_STEP, LaunchShape.strided(n, THREADS), n, param, grad, m, v, lr, beta1, beta2,
                    eps, wd, decoupled ? 1 : 0, bc1, bc2);
        }
    }

    /**
     * SGD step: g ← g + λθ; with momentum μ: b ← g on the first step, else μb + (1−τ)g; g ← g + μb (Nesterov) or b;
     * θ ← θ − γg. {@code momentumBuffer} may be null when μ = 0.
     */
    public void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening,
                           float weightDecay, boolean nesterov, boolean firstStep) {
        if (momentum != 0) {
            sameShape("sgd", param, grad, required("sgd", "momentumBuffer", momentumBuffer));
        } else {
            sameShape("sgd", param, grad);
        }
        int n = param.numel();
        if (n > 0) {
            stream.launch(Kernels.SGD_STEP, LaunchShape.strided(n, THREADS), n, param, grad,
                    momentum != 0 ? momentumBuffer : null, lr, momentum, dampening, weightDecay, nesterov ? 1 : 0,
                    firstStep ? 1 : 0);
        }
    }

    /**
     * RMSprop step: g ← g + λθ; v ← αv + (1−α)g²; centered: ḡ ← ḡ + (1−α)(g − ḡ), ṽ = v − ḡ²; d = √ṽ + ε;
     * momentum μ &gt; 0: b ← μb + g/d, θ ← θ − γb; else θ ← θ − γg/d. {@code gradAvg} is needed only when centered,
     * {@code momentumBuffer} only when μ &gt; 0 (null otherwise).
     */
    public void rmsprop(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor momentumBuffer,
                               float lr, float alpha, float eps, float weightDecay, float momentum, boolean centered) {
        sameShape("rmsprop", param, grad, squareAvg);
        if (centered) {
            sameShape("rmsprop", param, required("rmsprop", "gradAvg", gradAvg));
        }
        if (momentum > 0) {
            sameShape("rmsprop", param, required("rmsprop", "momentumBuffer", momentumBuffer));
        }
        int n = param.numel();
        if (n > 0) {
            stream.launch(Kernels.RMSPROP_STEP, LaunchShape.strided(n, THREADS), n, param, grad, squareAvg,
                    centered ? gradAvg : null, momentum > 0 ? momentumBuffer : null, lr, alpha, eps, weightDecay,
                    momentum, centered ? 1 : 0);
        }
    }

    /**
     * Σ over all tensors of Σ x², as a scalar tensor on the device (no host round trip), for the global gradient
     * norm √(Σ‖g‖²). Summed in a fixed order, so the result is the same on every run.
     */
    public Tensor sumOfSquares(List<Tensor> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("sumOfSquares: no tensors given");
        }
        Tensor out = tensors.empty(Shape.scalar());
        stream.fillWords(CudaTensors.bufferOf(out), 0, 1);
        DeviceBuffer partials = tensors.scratch(4L * MAX_PARTIALS);
        try {
            for (Tensor t : values) {
                int n = tensors.checked(t).numel();
                if (n == 0) {
                    continue;
                }
                LaunchShape shape = LaunchShape.strided(n, THREADS);
                int blocks = Math.min(MAX_PARTIALS, shape.gridX());
                stream.launch(Kernels.SUMSQ_PARTIAL, new LaunchShape(blocks, 1, 1, THREADS, 1, 1), n, t, partials);
                stream.launch(Kernels.SUM_PARTIALS, LaunchShape.perItem(1, 1024), blocks, partials, out, 1);
            }
        } finally {
            partials.release();
        }
        return out;
    }

    private static Tensor required(String op, String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is required with these settings but was null");
        }
        return t;
    }

    /** Checks that the tensors live on this backend and all have the first one's shape. */
    private void sameShape(String op, Tensor first, Tensor... others) {
        tensors.checked(first);
        for (Tensor t : others) {
            tensors.checked(t);
            if (!t.shape().equals(first.shape())) {
                throw new IllegalArgumentException(op + ": shape " + t.shape() + " does not match the parameter's "
                        + first.shape());
            }
        }
    }
}
