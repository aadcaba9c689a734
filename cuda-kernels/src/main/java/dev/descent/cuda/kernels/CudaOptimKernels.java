package dev.descent.cuda.kernels;

import dev.descent.core.AdamStep;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.List;

/**
 * Fused optimizer updates and the gradient-norm reduction on {@code optim.cu}. {@link #adamStep} and
 * {@link #sumOfSquares} are the CUDA backend's {@code Backend.adamStep} and {@code Backend.sumOfSquares}, which optim's
 * Adam, AdamW and clipGradNorm call: each takes every tensor of a model in one launch (a {@link MultiTensorTable}).
 * SGD and RMSprop are single-tensor kernels for benchmarks and tests (optim composes their updates from Tensor ops).
 * Each update rewrites the parameter and its state tensors in place; the gradient is only read. Formulas: PyTorch's
 * torch.optim (step t counted from 1; ε added after the bias correction of √v), written out on each method.
 */
public final class CudaOptimKernels {
    private static final int THREADS = 256;

    private final CudaTensors tensors;
    private final KernelStream stream;

    public CudaOptimKernels(CudaTensors tensors, KernelStream stream) {
        this.tensors = tensors;
        this.stream = stream;
    }

    /**
     * One Adam or AdamW step of every parameter in {@code params} ({@link AdamStep} has the formula) in one launch of
     * {@code adam_multi}: θ, m, v and vmax written in place, g only read. Each tensor's step, rate and decay travel
     * in the launch's table, so parameter groups and step counters may differ. Rounds as the CPU backend does.
     * Returns a scalar tensor on the device (no host round trip): 0, or NaN where the kernel wrote a NaN or ±∞.
     */
    public Tensor adamStep(AdamStep step, List<AdamStep.Param> params) {
        Tensor nonFinite = tensors.empty(Shape.scalar());
        stream.fillWords(CudaTensors.bufferOf(nonFinite), 0, 1);
        if (params.isEmpty()) {
            return nonFinite;
        }
        MultiTensorTable table = new MultiTensorTable(params.size());
        for (AdamStep.Param p : params) {
            Tensor vmax = step.amsgrad() ? required("adam", "maxExpAvgSq", p.maxExpAvgSq()) : null;
            sameShape("adam", p.param(), vmax == null ? new Tensor[] {p.grad(), p.expAvg(), p.expAvgSq()}
                    : new Tensor[] {p.grad(), p.expAvg(), p.expAvgSq(), vmax});
            AdamStep.Coefficients c = step.coefficients(p);
            table.add(p.param().numel(), addresses(p.param(), p.grad(), p.expAvg(), p.expAvgSq(), vmax),
                    c.stepSize(), c.rootBc2Inverse(), c.paramScale(), c.gradDecay());
        }
        AdamStep.Coefficients shared = step.coefficients(params.get(0));
        launchOver(table, Kernels.ADAM_MULTI, shared.beta1(), shared.oneMinusBeta1(), shared.beta2(),
                shared.oneMinusBeta2(), shared.eps(), step.amsgrad() ? 1 : 0, nonFinite);
        return nonFinite;
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
     * norm √(Σ‖g‖²): {@code sumsq_multi} writes one partial per block of every tensor, {@code sum_partials} adds them
     * in a fixed order, so the result is the same on every run. Two launches, whatever the number of tensors; 0 for
     * none.
     */
    public Tensor sumOfSquares(List<Tensor> values) {
        Tensor out = tensors.empty(Shape.scalar());
        MultiTensorTable table = new MultiTensorTable(values.size());
        for (Tensor t : values) {
            table.add(tensors.checked(t).numel(), addresses(t));
        }
        if (table.blocks() == 0) {
            stream.fillWords(CudaTensors.bufferOf(out), 0, 1);
            return out;
        }
        DeviceBuffer partials = tensors.scratch(4L * table.blocks());
        try {
            launchOver(table, Kernels.SUMSQ_MULTI, partials);
            stream.launch(Kernels.SUM_PARTIALS, LaunchShape.perItem(1, 1024), table.blocks(), partials, out, 0);
        } finally {
            partials.release();
        }
        return out;
    }

    /**
     * Uploads {@code table} and launches {@code spec} over it, one block per chunk, with the arguments (entries,
     * table, {@code rest}..). The table's device copy is released once the launch is queued (one stream).
     */
    private void launchOver(MultiTensorTable table, KernelSpec spec, Object... rest) {
        DeviceBuffer entries = tensors.scratch(4L * MultiTensorTable.WORDS * table.count());
        try {
            stream.uploadInts(entries, table.words());
            Object[] args = new Object[2 + rest.length];
            args[0] = table.count();
            args[1] = entries;
            System.arraycopy(rest, 0, args, 2, rest.length);
            stream.launch(spec, LaunchShape.perItem(table.blocks(), THREADS), args);
        } finally {
            entries.release();
        }
    }

    /** The device addresses of CUDA tensors (0 for null). */
    private static long[] addresses(Tensor... ts) {
        long[] a = new long[ts.length];
        for (int i = 0; i < ts.length; i++) {
            a[i] = CudaTensors.address(ts[i]);
        }
        return a;
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
