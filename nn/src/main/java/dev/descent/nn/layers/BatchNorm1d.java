package dev.descent.nn.layers;

import dev.descent.core.Autograd;
import dev.descent.core.Tensor;
import dev.descent.nn.Init;
import dev.descent.nn.Module;

/**
 * Batch normalisation of {@code (N, C)} or {@code (N, C, L)} inputs per channel C, with PyTorch's semantics.
 *
 * <p>Training: μ and σ² are the batch statistics over the n = N (or N·L) values of each channel, σ² biased
 * (divided by n); y = γ·(x − μ)/√(σ² + ε) + β. The running statistics move towards the batch's under no-grad:
 * running_mean ← (1 − m)·running_mean + m·μ and running_var ← (1 − m)·running_var + m·σ²·n/(n − 1) (the
 * unbiased variance). Evaluation: y = γ·(x − running_mean)/√(running_var + ε) + β.
 *
 * <p>Buffers {@code running_mean} (zeros) and {@code running_var} (ones) go into state dicts; PyTorch's
 * integer {@code num_batches_tracked} counter is not kept (it only matters when momentum is None).
 */
public final class BatchNorm1d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final float eps;
    private final float momentum;

    /** ε = 1e-5 and momentum 0.1, as in PyTorch. */
    public BatchNorm1d(int features) {
        this(features, 1e-5f, 0.1f);
    }

    public BatchNorm1d(int features, float eps, float momentum) {
        this.weight = parameter("weight", Init.ones(features));
        this.bias = parameter("bias", Init.zeros(features));
        this.runningMean = buffer("running_mean", Init.zeros(features));
        this.runningVar = buffer("running_var", Init.ones(features));
        this.eps = eps;
        this.momentum = momentum;
    }

    /** (N, C) or (N, C, L) -> the same shape. */
    @Override
    public Tensor forward(Tensor x) {
        int c = weight.dim(0);
        if ((x.rank() != 2 && x.rank() != 3) || x.dim(1) != c) {
            throw new IllegalArgumentException("BatchNorm1d(" + c + "): needs input (N, " + c + ") or (N, " + c
                    + ", L), got " + x.shape());
        }
        int[] axes = x.rank() == 2 ? new int[] {0} : new int[] {0, 2};
        int[] channelShape = x.rank() == 2 ? new int[] {1, c} : new int[] {1, c, 1};
        Tensor mean;
        Tensor var;
        if (isTraining()) {
            int n = x.numel() / c;
            if (n < 2) {
                throw new IllegalArgumentException("BatchNorm1d: training needs more than one value per channel, got input "
                        + x.shape());
            }
            // μ = Σx/n,  σ² = Σ(x − μ)²/n
            mean = x.mean(axes, true);
            var = x.sub(mean).pow(2).mean(axes, true);
            updateRunningStats(mean.reshape(c), var.reshape(c), n);
        } else {
            mean = runningMean.reshape(channelShape);
            var = runningVar.reshape(channelShape);
        }
        // y = γ·(x − μ)/√(σ² + ε) + β
        Tensor xHat = x.sub(mean).div(var.add(eps).sqrt());
        return xHat.mul(weight.reshape(channelShape)).add(bias.reshape(channelShape));
    }

    /** r ← (1 − m)·r + m·batch, with the variance made unbiased by n/(n − 1). */
    @SuppressWarnings("try")
    private void updateRunningStats(Tensor mean, Tensor var, int n) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            runningMean.copyFrom(runningMean.mul(1 - momentum).add(mean.mul(momentum)));
            runningVar.copyFrom(runningVar.mul(1 - momentum).add(var.mul(momentum * n / (n - 1f))));
        }
    }

    /** γ, shape (C). */
    public Tensor weight() {
        return weight;
    }

    /** β, shape (C). */
    public Tensor bias() {
        return bias;
    }

    /** The running mean, shape (C). */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance, shape (C). */
    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    protected String extraRepr() {
        return weight.dim(0) + ", eps=" + eps + ", momentum=" + momentum;
    }
}
