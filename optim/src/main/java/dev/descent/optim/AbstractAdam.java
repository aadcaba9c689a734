package dev.descent.optim;

import dev.descent.core.AdamStep;
import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Adam step that {@link Adam} and {@link AdamW} share (see {@link Adam} for the formula); they differ only in
 * where the weight decay enters, {@link AdamStep#decoupled()}. A step is one fused {@link Backend#adamStep} over all
 * parameters of a backend: each tensor is read and written once (one kernel launch on a GPU), and no temporary is
 * made on a backend that overrides it.
 */
abstract class AbstractAdam<O extends AbstractAdam<O>> extends Optimizer<O> {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private float eps = 1e-8f;
    private boolean amsgrad;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no AMSGrad; lr and weight decay as given. */
    AbstractAdam(String name, ParamGroup[] groups, double lr, double weightDecay, boolean decoupled) {
        super(name, List.of(groups), lr, weightDecay);
        this.decoupled = decoupled;
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

    /**
     * One step, as {@link #step()}, that also says whether every value it wrote is finite: θ, m and v (and vmax) of
     * every parameter it updated. The fused {@link Backend#adamStep} checks them as it writes them, so the answer
     * costs no pass over the state of its own, only a read of one number per backend (which on a GPU waits for the
     * step). Parameters without a gradient are not written, so not checked.
     */
    @SuppressWarnings("try")
    public boolean stepAndCheckFinite() {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            boolean finite = true;
            for (Map.Entry<Backend, List<AdamStep.Param>> e : byBackend(nextUpdates()).entrySet()) {
                try (MemoryScope flag = e.getKey().scope()) {
                    finite &= Float.isFinite(e.getKey().adamStep(adamStep(), e.getValue()).item());
                }
            }
            return finite;
        }
    }

    /** Every parameter in one {@link Backend#adamStep} per backend (there is normally one), nothing read back. */
    @Override
    @SuppressWarnings("try")
    protected void updateAll(List<ParamUpdate> updates) {
        for (Map.Entry<Backend, List<AdamStep.Param>> e : byBackend(updates).entrySet()) {
            try (MemoryScope flag = e.getKey().scope()) {
                e.getKey().adamStep(adamStep(), e.getValue());
            }
        }
    }

    private AdamStep adamStep() {
        return new AdamStep(beta1, beta2, eps, decoupled, amsgrad);
    }

    /** The updates as {@link Backend#adamStep}'s parameters, grouped by backend in the order they first appear. */
    private Map<Backend, List<AdamStep.Param>> byBackend(List<ParamUpdate> updates) {
        return updates.stream().collect(Collectors.groupingBy(u -> u.param().backend(), LinkedHashMap::new,
                Collectors.mapping(this::adamParam, Collectors.toList())));
    }

    /** One parameter alone: the same fused step over a list of one. */
    @Override
    protected void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
        updateAll(List.of(new ParamUpdate(param, grad, state, lr, weightDecay)));
    }

    /** The parameter, its gradient and state buffers (zeros the first time, kept in the state), γ, λ and t. */
    private AdamStep.Param adamParam(ParamUpdate u) {
        Tensor p = u.param();
        ParamState s = u.state();
        return new AdamStep.Param(p, u.grad(), buffer(s, EXP_AVG, p), buffer(s, EXP_AVG_SQ, p),
                amsgrad ? buffer(s, MAX_EXP_AVG_SQ, p) : null, u.lr(), u.weightDecay(), s.step());
    }

    private static Tensor buffer(ParamState state, String name, Tensor param) {
        Tensor buffer = state.getOrZeros(name, param);
        state.put(name, buffer);
        return buffer;
    }

    @Override
    protected Set<String> bufferNames() {
        return amsgrad ? Set.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : Set.of(EXP_AVG, EXP_AVG_SQ);
    }
}
