package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.List;

/**
 * AdamW, {@code torch.optim.AdamW}: Adam with decoupled weight decay (Loshchilov and Hutter). The decay shrinks
 * θ directly, scaled by the current (scheduled) γ, before the Adam step, and the moments see the raw gradient:
 * <pre>
 * θ ← θ·(1 − γ·λ)                              first, on θ_{t−1}
 * m_t, v_t, bc1, bc2, amsgrad, d               exactly as {@link Adam}, with g NOT modified by λ
 * θ ← θ − (γ/bc1)·m_t/d
 * </pre>
 * Diff this class against {@link Adam}: the two overridden methods are the whole difference. llm.c writes the
 * same math as one expression, {@code θ −= γ·(m̂/(√v̂+ε) + λ·θ)}, which rounds in a different order.
 */
public class AdamW extends Adam {

    /**
     * @param lr          γ ≥ 0 (PyTorch's default 1e-3)
     * @param beta1       β1 in [0, 1) (0.9; GPT recipes use 0.9)
     * @param beta2       β2 in [0, 1) (0.999; GPT recipes use 0.95)
     * @param eps         ε &gt; 0 (1e-8)
     * @param weightDecay λ ≥ 0 (PyTorch's AdamW default 1e-2; GPT recipes use 0.1 on matrices only)
     * @param amsgrad     use the running maximum of the second moment
     */
    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean amsgrad) {
        super("AdamW", groups, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    /** AdamW's moments see the raw gradient. */
    @Override
    protected Tensor decayGradient(Tensor param, Tensor grad, double weightDecay) {
        return grad;
    }

    /** θ·(1 − γ·λ): the decoupled decay. */
    @Override
    protected Tensor decayParam(Tensor param, double lr, double weightDecay) {
        return weightDecay == 0 ? param : param.mul((float) (1 - lr * weightDecay));
    }
}
