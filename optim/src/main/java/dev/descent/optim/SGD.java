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
public class SGD extends Optimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final float momentum;
    private final float oneMinusDampening;
    private final boolean nesterov;

    /**
     * @param lr          γ ≥ 0
     * @param momentum    μ ≥ 0 (0 turns momentum off)
     * @param dampening   τ, scales the gradient's share of the buffer by (1 − τ)
     * @param nesterov    Nesterov momentum; needs μ &gt; 0 and τ = 0
     * @param weightDecay λ ≥ 0, the default of groups without their own
     */
    public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, boolean nesterov,
               double weightDecay) {
        super("SGD", groups, lr, weightDecay);
        this.momentum = (float) Hyper.nonNegative("SGD", "momentum", momentum);
        this.oneMinusDampening = (float) (1 - Hyper.finite("SGD", "dampening", dampening));
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, "
                    + "got momentum " + momentum + " and dampening " + dampening);
        }
        this.nesterov = nesterov;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
        // g ← g + λ·θ
        Tensor g = weightDecay == 0 ? grad : grad.add(param.mul((float) weightDecay));
        if (momentum != 0) {
            Tensor previous = state.get(MOMENTUM_BUFFER);
            // b₁ = g (a copy, as PyTorch clones it: the gradient is not the optimizer's) ;  b_t = μ·b_{t−1} + (1−τ)·g
            Tensor buffer = previous == null ? g.copy() : previous.mul(momentum).add(g.mul(oneMinusDampening));
            state.put(MOMENTUM_BUFFER, buffer);
            // g ← g + μ·b_t (Nesterov) or g ← b_t
            g = nesterov ? g.add(buffer.mul(momentum)) : buffer;
        }
        // θ ← θ − γ·g
        param.copyFrom(param.sub(g.mul((float) lr)));
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(MOMENTUM_BUFFER);
    }
}
