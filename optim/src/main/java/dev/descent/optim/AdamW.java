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
 * Diff this class against {@link Adam}: the {@code decoupled} flag passed to {@link AbstractAdam} is the whole
 * difference. llm.c writes the same math as one expression, {@code θ −= γ·(m̂/(√v̂+ε) + λ·θ)}, which rounds in a
 * different order.
 */
public final class AdamW extends AbstractAdam<AdamW> {

    /**
     * AdamW over {@code params} with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2,
     * no AMSGrad. GPT recipes use {@code new AdamW(params).lr(6e-4).betas(0.9, 0.95).weightDecay(0.1)}, the decay
     * on matrices only ({@link ParamGroup#withWeightDecay} 0 for the rest).
     */
    public AdamW(List<Tensor> params) {
        this(ParamGroup.of(params));
    }

    /** AdamW over parameter groups, each with its own learning rate or weight decay if it sets one. */
    public AdamW(ParamGroup... groups) {
        super("AdamW", groups, 1e-3, 1e-2, true);
    }
}
