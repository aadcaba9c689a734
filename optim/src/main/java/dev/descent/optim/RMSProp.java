package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.List;
import java.util.Set;

/**
 * RMSProp as {@code torch.optim.RMSprop} computes it (no bias correction; eps outside the square root, where
 * TensorFlow puts it inside):
 * <pre>
 * g ← g + λ·θ                              if λ ≠ 0
 * v_t = α·v_{t−1} + (1−α)·g²
 * ḡ_t = ḡ_{t−1} + (1−α)·(g − ḡ_{t−1})      if centered;  ṽ = v_t − ḡ_t²,  else ṽ = v_t
 * d = √ṽ + ε
 * b_t = μ·b_{t−1} + g/d ;  θ ← θ − γ·b_t   if μ &gt; 0
 * θ ← θ − γ·g/d                            otherwise
 * </pre>
 */
public final class RMSProp extends Optimizer<RMSProp> {
    static final String SQUARE_AVG = "square_avg";
    static final String GRAD_AVG = "grad_avg";
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private double alpha = 0.99;
    private double eps = 1e-8;
    private double momentum;
    private boolean centered;

    /**
     * RMSProp over {@code params} with PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight decay 0,
     * momentum 0, not centered. Change them with the setters: {@code new RMSProp(params).lr(0.1).alpha(0.9)}.
     */
    public RMSProp(List<Tensor> params) {
        this(ParamGroup.of(params));
    }

    /** RMSProp over parameter groups, each with its own learning rate or weight decay if it sets one. */
    public RMSProp(ParamGroup... groups) {
        super("RMSProp", List.of(groups), 1e-2, 0);
    }

    /** α ≥ 0, the smoothing of the squared-gradient average. */
    public RMSProp alpha(double alpha) {
        this.alpha = Hyper.nonNegative(name(), "alpha", alpha);
        return this;
    }

    /** ε &gt; 0, added to the root. */
    public RMSProp eps(double eps) {
        this.eps = Hyper.positive(name(), "eps", eps);
        return this;
    }

    /** μ ≥ 0 (0 turns momentum off). */
    public RMSProp momentum(double momentum) {
        this.momentum = Hyper.nonNegative(name(), "momentum", momentum);
        return this;
    }

    /** Divide by an estimate of the gradient's variance instead of its second moment. */
    public RMSProp centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
        float oneMinusAlpha = (float) (1 - alpha);
        // g ← g + λ·θ
        Tensor g = weightDecay == 0 ? grad : grad.add(param.mul((float) weightDecay));
        // v_t = α·v_{t−1} + (1−α)·g²
        Tensor v = state.getOrZeros(SQUARE_AVG, param).mul((float) alpha).add(g.mul(g).mul(oneMinusAlpha));
        state.put(SQUARE_AVG, v);
        Tensor variance = v;
        if (centered) {
            // ḡ_t = ḡ_{t−1} + (1−α)·(g − ḡ_{t−1}) ;  ṽ = v_t − ḡ_t²
            Tensor mean = state.getOrZeros(GRAD_AVG, param);
            mean = mean.add(g.sub(mean).mul(oneMinusAlpha));
            state.put(GRAD_AVG, mean);
            variance = v.sub(mean.mul(mean));
        }
        // d = √ṽ + ε
        Tensor denom = variance.sqrt().add((float) eps);
        Tensor direction = g.div(denom);
        if (momentum > 0) {
            // b_t = μ·b_{t−1} + g/d
            direction = state.getOrZeros(MOMENTUM_BUFFER, param).mul((float) momentum).add(direction);
            state.put(MOMENTUM_BUFFER, direction);
        }
        // θ ← θ − γ·(b_t or g/d)
        param.copyFrom(param.sub(direction.mul((float) lr)));
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(SQUARE_AVG, GRAD_AVG, MOMENTUM_BUFFER);
    }
}
