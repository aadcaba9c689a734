package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and coupled L2 weight decay, exactly as
 * {@code torch.optim.SGD}:
 * <pre>
 * g ← g + λ·θ                          if λ ≠ 0   (coupled L2: the decay enters the gradient)
 * b₁ = g                               if μ ≠ 0, first step: the raw gradient, no dampening
 * b_t = μ·b_{t−1} + (1−τ)·g            later steps
 * g ← g + μ·b_t  (Nesterov)  or  g ← b_t
 * θ ← θ − γ·g
 * </pre>
 * PyTorch's convention is {@code b = μb + g; θ −= γb}, not Sutskever's {@code v = μv + γg; θ −= v}: the two
 * differ as soon as γ changes during training.
 */
public final class SGD extends Optimizer<SGD> {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private double momentum;
    private double dampening;
    private boolean nesterov;

    /**
     * SGD over {@code params} with PyTorch's defaults: lr 1e-3, momentum 0, dampening 0, weight decay 0, no
     * Nesterov. Change them with the setters: {@code new SGD(params).lr(0.1).momentum(0.9)}.
     */
    public SGD(List<Tensor> params) {
        this(ParamGroup.of(params));
    }

    /** SGD over parameter groups, each with its own learning rate or weight decay if it sets one. */
    public SGD(ParamGroup... groups) {
        super("SGD", List.of(groups), 1e-3, 0);
    }

    /** μ ≥ 0 (0 turns momentum off). */
    public SGD momentum(double momentum) {
        checkNesterov(Hyper.nonNegative(name(), "momentum", momentum), dampening, nesterov);
        this.momentum = momentum;
        return this;
    }

    /** τ: the gradient's share of the momentum buffer is scaled by (1 − τ). */
    public SGD dampening(double dampening) {
        checkNesterov(momentum, Hyper.finite(name(), "dampening", dampening), nesterov);
        this.dampening = dampening;
        return this;
    }

    /** Nesterov momentum; needs μ &gt; 0 and τ = 0, so set the momentum first. */
    public SGD nesterov(boolean nesterov) {
        checkNesterov(momentum, dampening, nesterov);
        this.nesterov = nesterov;
        return this;
    }

    private static void checkNesterov(double momentum, double dampening, boolean nesterov) {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, "
                    + "got momentum " + momentum + " and dampening " + dampening + " (set the momentum first)");
        }
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
        // g ← g + λ·θ
        Tensor g = weightDecay == 0 ? grad : grad.add(param.mul((float) weightDecay));
        float mu = (float) momentum;
        if (mu != 0) {
            Tensor previous = state.get(MOMENTUM_BUFFER);
            // b₁ = g (a copy, as PyTorch clones it: the gradient is not the optimizer's) ;  b_t = μ·b_{t−1} + (1−τ)·g
            Tensor buffer = previous == null ? g.copy() : previous.mul(mu).add(g.mul((float) (1 - dampening)));
            state.put(MOMENTUM_BUFFER, buffer);
            // g ← g + μ·b_t (Nesterov) or g ← b_t
            g = nesterov ? g.add(buffer.mul(mu)) : buffer;
        }
        // θ ← θ − γ·g
        param.copyFrom(param.sub(g.mul((float) lr)));
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(MOMENTUM_BUFFER);
    }
}
