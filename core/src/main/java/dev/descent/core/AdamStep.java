package dev.descent.core;

/**
 * One Adam or AdamW step as {@code torch.optim} computes it, for {@link Backend#adamStep}: the settings that every
 * parameter of a call shares, and the float coefficients of one parameter's update, computed here on the host in
 * double so that every backend (the composed default, the CPU loop, the CUDA kernel) starts from the same numbers.
 * Per parameter, with γ its group's rate, λ its group's decay and t its step counted from 1:
 * <pre>
 * g ← g + λ·θ                                  Adam (coupled decay), if λ ≠ 0; g itself is never written
 * θ ← θ·(1 − γλ)                               AdamW (decoupled decay), if λ ≠ 0
 * m ← β1·m + (1−β1)·g
 * v ← β2·v + (1−β2)·g²
 * vmax ← max(vmax, v)                          AMSGrad: the running maximum of the raw v, used instead of v below
 * bc1 = 1 − β1^t ;  bc2 = 1 − β2^t             (host, double)
 * θ ← θ − (γ/bc1)·m/(√v·(1/√bc2) + ε)          ≡ θ − γ·m̂/(√v̂ + ε): ε added after the bias correction of √v
 * </pre>
 *
 * @param beta1     β1 in [0, 1)
 * @param beta2     β2 in [0, 1)
 * @param eps       ε &gt; 0
 * @param decoupled AdamW's decay (θ shrinks) rather than Adam's (the gradient grows)
 * @param amsgrad   keep and use vmax
 */
public record AdamStep(double beta1, double beta2, double eps, boolean decoupled, boolean amsgrad) {

    /**
     * One parameter of a step: θ, m, v and vmax are written in place, g is only read; all have θ's shape and
     * backend.
     *
     * @param param       θ
     * @param grad        g
     * @param expAvg      m, PyTorch's {@code exp_avg}
     * @param expAvgSq    v, PyTorch's {@code exp_avg_sq}
     * @param maxExpAvgSq vmax under AMSGrad ({@code max_exp_avg_sq}), else null
     * @param lr          γ of the parameter's group
     * @param weightDecay λ of the parameter's group
     * @param step        t ≥ 1: the updates of this parameter, this one included
     */
    public record Param(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, double lr,
                        double weightDecay, long step) {
    }

    /**
     * The float numbers of one parameter's update, as the kernels use them.
     *
     * @param beta1          β1
     * @param oneMinusBeta1  1 − β1
     * @param beta2          β2
     * @param oneMinusBeta2  1 − β2
     * @param eps            ε
     * @param gradDecay      λ with coupled decay (Adam), else 0: g ← g + λ·θ where it is not 0
     * @param paramScale     1 − γλ with decoupled decay (AdamW), else 1: θ ← θ·(1 − γλ) where it is decayed
     * @param stepSize       γ/bc1
     * @param rootBc2Inverse 1/√bc2
     */
    public record Coefficients(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                               float gradDecay, float paramScale, float stepSize, float rootBc2Inverse) {
    }

    /** {@code p}'s coefficients: 1 − β, the decay and the bias corrections computed in double, then rounded. */
    public Coefficients coefficients(Param p) {
        // bc1 = 1 − β1^t ;  bc2 = 1 − β2^t
        double bc1 = 1 - Math.pow(beta1, p.step());
        double bc2 = 1 - Math.pow(beta2, p.step());
        boolean decays = p.weightDecay() != 0;
        return new Coefficients((float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) eps,
                decays && !decoupled ? (float) p.weightDecay() : 0f,
                decays && decoupled ? (float) (1 - p.lr() * p.weightDecay()) : 1f,
                (float) (p.lr() / bc1), (float) (1 / Math.sqrt(bc2)));
    }
}
