package dev.descent.optim;

import dev.descent.core.BinaryOp;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Adam as {@code torch.optim.Adam} computes it, with coupled L2 weight decay (the decay enters the gradient, so
 * it is rescaled by the adaptive denominator: this is NOT AdamW):
 * <pre>
 * g ← g + λ·θ                                  if λ ≠ 0
 * m_t = β1·m_{t−1} + (1−β1)·g
 * v_t = β2·v_{t−1} + (1−β2)·g²
 * bc1 = 1 − β1^t ;  bc2 = 1 − β2^t             (host, double)
 * vmax_t = max(vmax_{t−1}, v_t)                if amsgrad: the max of the RAW v, used instead of v_t below
 * d = √v_t / √bc2 + ε                          ε added after bias-correcting √v
 * θ ← θ − (γ/bc1)·m_t/d                        ≡ θ − γ·m̂/(√v̂ + ε)
 * </pre>
 * {@link AdamW} changes exactly two things, the two protected methods below.
 */
public class Adam extends Optimizer {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    private final double beta1;
    private final double beta2;
    private final float eps;
    private final boolean amsgrad;

    /**
     * @param lr          γ ≥ 0 (PyTorch's default 1e-3)
     * @param beta1       β1 in [0, 1), first-moment smoothing (0.9)
     * @param beta2       β2 in [0, 1), second-moment smoothing (0.999)
     * @param eps         ε &gt; 0 (1e-8)
     * @param weightDecay λ ≥ 0, the default of groups without their own
     * @param amsgrad     use the running maximum of the second moment
     */
    public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsgrad) {
        this("Adam", groups, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    Adam(String name, List<ParamGroup> groups, double lr, double beta1, double beta2, double eps,
         double weightDecay, boolean amsgrad) {
        super(name, groups, lr, weightDecay);
        this.beta1 = Hyper.beta(name, "beta1", beta1);
        this.beta2 = Hyper.beta(name, "beta2", beta2);
        this.eps = (float) Hyper.positive(name, "eps", eps);
        this.amsgrad = amsgrad;
    }

    /** Adam's weight decay is coupled: g ← g + λ·θ (the gradient the moments see). */
    protected Tensor decayGradient(Tensor param, Tensor grad, double weightDecay) {
        return weightDecay == 0 ? grad : grad.add(param.mul((float) weightDecay));
    }

    /** The θ the Adam step starts from: Adam leaves it as it is. */
    protected Tensor decayParam(Tensor param, double lr, double weightDecay) {
        return param;
    }

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
