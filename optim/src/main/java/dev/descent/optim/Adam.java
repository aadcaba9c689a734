package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.List;

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
 * The step is one fused {@link dev.descent.core.Backend#adamStep} over every parameter ({@link AbstractAdam});
 * {@link AdamW} differs only in the flag it passes, {@code decoupled}.
 */
public final class Adam extends AbstractAdam<Adam> {

    /**
     * Adam over {@code params} with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, no
     * AMSGrad. Change them with the setters: {@code new Adam(params).lr(0.01).betas(0.9, 0.99)}.
     */
    public Adam(List<Tensor> params) {
        this(ParamGroup.of(params));
    }

    /** Adam over parameter groups, each with its own learning rate or weight decay if it sets one. */
    public Adam(ParamGroup... groups) {
        super("Adam", groups, 1e-3, 0, false);
    }
}
