package dev.descent.optim;

import dev.descent.core.Autograd;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The common part of every optimizer: parameter groups, per-parameter state, {@link #step()},
 * {@link #zeroGrad()} and state export/import for checkpoints.
 *
 * <p>An optimizer starts with PyTorch's defaults; named setters change them, as keyword arguments do in PyTorch:
 * <pre>{@code
 * new AdamW(model.parameters()).lr(6e-4).betas(0.9, 0.95).weightDecay(0.1)
 * // torch.optim.AdamW(model.parameters(), lr=6e-4, betas=(0.9, 0.95), weight_decay=0.1)
 * }</pre>
 * Each setter checks its value at once and returns the optimizer ({@code O}, the concrete class), so the chain
 * keeps its type. {@link #lr(double)} and {@link #weightDecay(double)} are the defaults of the groups that do not
 * set their own ({@link ParamGroup}).
 *
 * <p>A subclass writes one method, {@link #update}, the formula for one parameter, in Tensor ops. It runs under
 * {@link Autograd#noGrad()} and writes the new value with {@code param.copyFrom(..)}; its state tensors live on
 * the parameter's backend. So every optimizer runs unchanged on any backend: no loop here touches tensor data.
 * Host-side scalars (bias corrections, 1 − β) are computed in double and handed to the ops as floats. An optimizer
 * whose backend has a fused step for many tensors at once overrides {@link #updateAll} instead (Adam and AdamW:
 * {@link dev.descent.core.Backend#adamStep}).
 */
public abstract class Optimizer<O extends Optimizer<O>> {
    private final String name;
    private final List<Group> groups = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private Map<Tensor, ParamState> state = new IdentityHashMap<>();
    private double weightDecay;

    /** One group as the optimizer sees it: its own settings, if any, and its current (scheduled) learning rate. */
    private static final class Group {
        final ParamGroup own;
        double lr;

        Group(ParamGroup own, double lr) {
            this.own = own;
            this.lr = lr;
        }
    }

    /**
     * @param name        the optimizer's name, for messages
     * @param groups      the parameter groups; a parameter may appear only once
     * @param lr          PyTorch's default learning rate, for groups that do not set their own
     * @param weightDecay PyTorch's default weight decay, for groups that do not set their own
     */
    protected Optimizer(String name, List<ParamGroup> groups, double lr, double weightDecay) {
        this.name = name;
        this.weightDecay = weightDecay;
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(name + ": no parameter groups given");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup group : groups) {
            for (Tensor p : group.params()) {
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(name + ": parameter of shape " + p.shape()
                            + " appears in more than one place; give each parameter once");
                }
            }
            double groupLr = Hyper.nonNegative(name, "lr", group.lr().orElse(lr));
            Hyper.nonNegative(name, "weightDecay", group.weightDecay().orElse(weightDecay));
            this.groups.add(new Group(group, groupLr));
            params.addAll(group.params());
        }
    }

    /** This optimizer as its concrete class, for the setters' chain. */
    @SuppressWarnings("unchecked")
    protected final O self() {
        return (O) this;
    }

    /** The optimizer's name, for the messages of subclasses' checks. */
    protected final String name() {
        return name;
    }

    /** γ ≥ 0 of every group that does not set its own (PyTorch's {@code lr}). */
    public O lr(double lr) {
        Hyper.nonNegative(name, "lr", lr);
        for (Group group : groups) {
            if (group.own.lr().isEmpty()) {
                group.lr = lr;
            }
        }
        return self();
    }

    /** λ ≥ 0 of every group that does not set its own (PyTorch's {@code weight_decay}). */
    public O weightDecay(double weightDecay) {
        this.weightDecay = Hyper.nonNegative(name, "weightDecay", weightDecay);
        return self();
    }

    /**
     * Applies the update rule to one parameter that has a gradient. {@code state.step()} is already t, the
     * number of updates including this one.
     *
     * @param param       θ, updated in place with {@code param.copyFrom(..)}
     * @param grad        g = ∇f(θ), same shape and backend; never written into
     * @param state       this parameter's counter and buffers
     * @param lr          γ of the parameter's group, as set now
     * @param weightDecay λ of the parameter's group
     */
    protected abstract void update(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay);

    /**
     * One parameter's part of a step: θ, its gradient, its state (the counter already advanced to t) and its
     * group's γ and λ, as {@link #update} receives them.
     */
    protected record ParamUpdate(Tensor param, Tensor grad, ParamState state, double lr, double weightDecay) {
    }

    /**
     * Applies the update rule to every parameter of a step that has a gradient, groups in order. By default one
     * parameter at a time through {@link #update}, each in a memory scope of its own (its temporaries released
     * before the next, so the step's extra memory is a few copies of the largest parameter, not of all of them).
     * An optimizer with a fused step over many tensors (Adam, AdamW) overrides this.
     */
    @SuppressWarnings("try")
    protected void updateAll(List<ParamUpdate> updates) {
        for (ParamUpdate u : updates) {
            try (MemoryScope temps = u.param().backend().scope()) {
                update(u.param(), u.grad(), u.state(), u.lr(), u.weightDecay());
                u.state().buffers().values().forEach(temps::keep);
            }
        }
    }

    /**
     * target ← value, in place, with the temporaries that computing value made released at once: an update written
     * as a few assignments holds a few parameter-sized temporaries at a time, not one per operation of the step.
     */
    @SuppressWarnings("try")
    protected static void assign(Tensor target, Supplier<Tensor> value) {
        try (MemoryScope temps = target.backend().scope()) {
            target.copyFrom(value.get());
        }
    }

    /** The buffer names {@link #update} uses; a state import with any other name is refused. */
    protected abstract Set<String> bufferNames();

    /**
     * The buffer names a state import accepts ({@code exp_avg}, ..): with {@link #params()}, what a checkpoint's
     * keys and shapes can be checked against before its data is read.
     */
    public final Set<String> stateBufferNames() {
        return bufferNames();
    }

    /** One update of every parameter that has a gradient (parameters without one are skipped, as in PyTorch). */
    @SuppressWarnings("try")
    public void step() {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            updateAll(nextUpdates());
        }
    }

    /**
     * The updates of the next step, groups in order: every parameter that has a gradient, its state's counter
     * advanced to this step. For a subclass's own kind of step; run what it returns under {@link Autograd#noGrad()}.
     */
    protected final List<ParamUpdate> nextUpdates() {
        List<ParamUpdate> updates = new ArrayList<>(params.size());
        for (int i = 0; i < groups.size(); i++) {
            Group group = groups.get(i);
            for (Tensor p : group.own.params()) {
                Tensor g = p.grad();
                if (g != null) {
                    ParamState s = state.computeIfAbsent(p, k -> new ParamState(0));
                    s.advance();
                    updates.add(new ParamUpdate(p, g, s, group.lr, groupWeightDecay(i)));
                }
            }
        }
        return updates;
    }

    /** Drops every parameter's gradient, so the next backward starts from zero. */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** Every parameter, groups in order: the indices used by {@link #exportState()}. */
    public List<Tensor> params() {
        return Collections.unmodifiableList(params);
    }

    public int groupCount() {
        return groups.size();
    }

    /** γ of group {@code group}, as set now. */
    public double groupLr(int group) {
        return groups.get(group).lr;
    }

    /** λ of group {@code group}: its own, or the optimizer's. */
    public double groupWeightDecay(int group) {
        return groups.get(group).own.weightDecay().orElse(weightDecay);
    }

    /** Sets γ of every group, their own included (what a schedule does before each step). */
    public void setLr(double lr) {
        for (int i = 0; i < groups.size(); i++) {
            setLr(i, lr);
        }
    }

    /** Sets γ of one group. */
    public void setLr(int group, double lr) {
        groups.get(group).lr = Hyper.nonNegative(name, "lr", lr);
    }

    /** The state of parameter {@code index} of {@link #params()}, or null before its first update. */
    public ParamState state(int index) {
        return state.get(params.get(index));
    }

    /** The state for a checkpoint (see {@link OptimizerState} for the keys). Tensors are shared, not copied. */
    public OptimizerState exportState() {
        Map<String, Tensor> tensors = new HashMap<>();
        Map<String, Long> steps = new HashMap<>();
        for (int i = 0; i < params.size(); i++) {
            ParamState s = state.get(params.get(i));
            if (s == null) {
                continue;
            }
            steps.put(Integer.toString(i), s.step());
            for (Map.Entry<String, Tensor> e : s.buffers().entrySet()) {
                tensors.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return new OptimizerState(tensors, steps);
    }

    /**
     * Replaces the whole state with {@code saved} (from {@link #exportState()} of an optimizer of the same kind
     * over parameters of the same shapes). Buffers are copied onto each parameter's backend. Nothing changes
     * if {@code saved} does not fit.
     */
    public void importState(OptimizerState saved) {
        Map<Tensor, ParamState> loaded = new IdentityHashMap<>();
        for (Map.Entry<String, Long> e : saved.steps().entrySet()) {
            Tensor p = param(e.getKey(), e.getKey());
            loaded.put(p, new ParamState(Hyper.atLeastOne(name, "step of parameter " + e.getKey(), e.getValue())));
        }
        for (Map.Entry<String, Tensor> e : saved.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            if (dot < 0 || !bufferNames().contains(key.substring(dot + 1))) {
                throw new IllegalArgumentException(name + ": state key '" + key + "' is not <index>.<buffer> with a "
                        + "buffer in " + bufferNames());
            }
            Tensor p = param(key.substring(0, dot), key);
            Tensor value = e.getValue();
            if (!value.shape().equals(p.shape())) {
                throw new IllegalArgumentException(name + ": state '" + key + "' has shape " + value.shape()
                        + " but the parameter has shape " + p.shape());
            }
            ParamState s = loaded.get(p);
            if (s == null) {
                throw new IllegalArgumentException(name + ": state '" + key + "' has no step counter");
            }
            Tensor copy = p.backend().full(p.shape(), 0f);
            copy.copyFrom(value);
            s.put(key.substring(dot + 1), copy);
        }
        state = loaded;
    }

    private Tensor param(String index, String key) {
        int i;
        try {
            i = Integer.parseInt(index);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + ": state key '" + key + "' does not start with a parameter index");
        }
        if (i < 0 || i >= params.size()) {
            throw new IllegalArgumentException(name + ": state key '" + key + "' names parameter " + i + " but there are "
                    + params.size());
        }
        return params.get(i);
    }
}
