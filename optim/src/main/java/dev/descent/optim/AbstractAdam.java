package dev.descent.optim;

import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.Set;

/**
 * The Adam step that {@link Adam} and {@link AdamW} share (see {@link Adam} for the formula); they differ only in
 * where the weight decay enters, the two abstract methods.
 */
abstract class AbstractAdam<O extends AbstractAdam<O>> extends Optimizer<O> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private float eps = 1e-8f;
    private boolean amsgrad;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no AMSGrad; lr and weight decay as given. */
    AbstractAdam(String name, ParamGroup[] groups, double lr, double weightDecay) {
        super(name, List.of(groups), lr, weightDecay);
    }

    /** β1, β2 in [0, 1): the smoothing of the first and second moments (PyTorch's {@code betas}). */
    public O betas(double beta1, double beta2) {
        this.beta1 = Hyper.beta(name(), "beta1", beta1);
        this.beta2 = Hyper.beta(name(), "beta2", beta2);
        return self();
    }

    /** ε &gt; 0, added to the bias-corrected root. */
    public O eps(double eps) {
        this.eps = (float) Hyper.positive(name(), "eps", eps);
        return self();
    }

    /** Use the running maximum of the raw second moment. */
    public O amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return self();
    }

    /** The gradient the moments see: g, or g + λ·θ with coupled decay. */
    protected abstract Tensor decayGradient(Tensor param, Tensor grad, double weightDecay);

    /** The θ the Adam step starts from: θ, or θ·(1 − γ·λ) with decoupled decay. */
    protected abstract Tensor decayParam(Tensor param, double lr, double weightDecay);

    @Override
    protected void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
        Tensor g = decayGradient(param, grad, weightDecay);
        Tensor m = state.getOrZeros(EXP_AVG, param);
        Tensor v = state.getOrZeros(EXP_AVG_SQ, param);
        state.put(EXP_AVG, m);
        state.put(EXP_AVG_SQ, v);
        // m_t = β1·m_{t−1} + (1−β1)·g
        assign(m, () -> m.mul((float) beta1).add(g.mul((float) (1 - beta1))));
        // v_t = β2·v_{t−1} + (1−β2)·g²
        assign(v, () -> v.mul((float) beta2).add(g.mul(g).mul((float) (1 - beta2))));
        Tensor second = amsgrad ? runningMax(param, state, v) : v;
        // bc1 = 1 − β1^t ;  bc2 = 1 − β2^t
        double bc1 = 1 - Math.pow(beta1, state.step());
        double bc2 = 1 - Math.pow(beta2, state.step());
        // θ ← θ − (γ/bc1)·m/d  with  d = √v / √bc2 + ε  (vmax in place of v with AMSGrad)
        assign(param, () -> decayParam(param, lr, weightDecay)
                .sub(m.div(second.sqrt().mul((float) (1 / Math.sqrt(bc2))).add(eps)).mul((float) (lr / bc1))));
    }

    /** AMSGrad's vmax_t = max(vmax_{t−1}, v_t), kept in the state and used instead of v_t. */
    private static Tensor runningMax(Tensor param, ParamState state, Tensor v) {
        Tensor vmax = state.getOrZeros(MAX_EXP_AVG_SQ, param);
        state.put(MAX_EXP_AVG_SQ, vmax);
        assign(vmax, () -> param.backend().binary(BinaryOp.MAX, vmax, v));
        return vmax;
    }

    @Override
    protected Set<String> bufferNames() {
        return amsgrad ? Set.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : Set.of(EXP_AVG, EXP_AVG_SQ);
    }
}
