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
public class RMSProp extends Optimizer {
    static final String SQUARE_AVG = "square_avg";
    static final String GRAD_AVG = "grad_avg";
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final float alpha;
    private final float oneMinusAlpha;
    private final float eps;
    private final float momentum;
    private final boolean centered;

    /**
     * @param lr          γ ≥ 0 (PyTorch's default 1e-2)
     * @param alpha       α ≥ 0, smoothing of the squared-gradient average (0.99)
     * @param eps         ε &gt; 0, added to the root (1e-8)
     * @param weightDecay λ ≥ 0, coupled L2, the default of groups without their own
     * @param momentum    μ ≥ 0 (0 turns momentum off)
     * @param centered    divide by an estimate of the gradient's variance instead of its second moment
     */
    public RMSProp(List<ParamGroup> groups, double lr, double alpha, double eps, double weightDecay, double momentum,
                   boolean centered) {
        super("RMSProp", groups, lr, weightDecay);
        this.alpha = (float) Hyper.nonNegative("RMSProp", "alpha", alpha);
        this.oneMinusAlpha = (float) (1 - alpha);
        this.eps = (float) Hyper.positive("RMSProp", "eps", eps);
        this.momentum = (float) Hyper.nonNegative("RMSProp", "momentum", momentum);
        this.centered = centered;
    }

    @Override
    protected void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
        // g ← g + λ·θ
        Tensor g = weightDecay == 0 ? grad : grad.add(param.mul((float) weightDecay));
        // v_t = α·v_{t−1} + (1−α)·g²
        Tensor v = state.getOrZeros(SQUARE_AVG, param).mul(alpha).add(g.mul(g).mul(oneMinusAlpha));
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
        Tensor denom = variance.sqrt().add(eps);
        Tensor direction = g.div(denom);
        if (momentum > 0) {
            // b_t = μ·b_{t−1} + g/d
            direction = state.getOrZeros(MOMENTUM_BUFFER, param).mul(momentum).add(direction);
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
