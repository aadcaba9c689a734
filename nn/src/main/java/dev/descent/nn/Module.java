package dev.descent.nn;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A piece of a network: a forward function plus the tensors it learns (parameters), the tensors it keeps but
 * does not learn (buffers, e.g. BatchNorm's running statistics) and the modules it is made of.
 *
 * <p>Everything is registered explicitly in the constructor, so a layer reads like its math:
 * <pre>{@code
 * weight = parameter("weight", Init.uniform(rng, -k, k, out, in));
 * ...
 * public Tensor forward(Tensor x) { return x.matmul(weight.transpose()).add(bias); }
 * }</pre>
 * Names join with dots along the tree ({@code blocks.3.attn.qkv.weight}). A parameter is a plain tensor with
 * {@code requiresGrad(true)}. A module's own parameters are listed before its children's, children in the
 * order they were registered; a tensor registered twice (tied weights) is listed once, under its first name.
 *
 * <p>A wrapper ({@link Residual}, {@link GradientCheckpoint}) registers the module it wraps with {@link #wrap}: it adds
 * behaviour but no name segment, so wrapping a block does not rename its parameters.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's function of its input. */
    public abstract Tensor forward(Tensor x);

    /** Registers a learnable tensor under {@code name}, marks it requiresGrad and returns it. */
    protected final Tensor parameter(String name, Tensor value) {
        checkNewName(name);
        parameters.put(name, value.requiresGrad(true));
        return value;
    }

    /** Registers a tensor that is state but not learned (saved in state dicts, never given a gradient). */
    protected final Tensor buffer(String name, Tensor value) {
        checkNewName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M module(String name, M child) {
        checkNewName(name);
        children.put(name, child);
        return child;
    }

    /** Registers the one module this wrapper wraps; its tensors keep their names, with no segment added. */
    protected final <M extends Module> M wrap(M inner) {
        if (children.containsKey("")) {
            throw new IllegalStateException(getClass().getSimpleName() + " already wraps a module");
        }
        children.put("", inner);
        return inner;
    }

    private void checkNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name
                    + "' must be non-empty and contain no dot");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    // ---------------------------------------------------------------- the tree

    /** Every parameter with its dotted name, own before children's, each tensor once. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", true, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    /** Every buffer with its dotted name, in the same order as {@link #namedParameters()}. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", false, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collect(String prefix, boolean wantParameters, Map<String, Tensor> out, Set<Tensor> seen) {
        for (Map.Entry<String, Tensor> e : (wantParameters ? parameters : buffers).entrySet()) {
            if (seen.add(e.getValue())) {
                out.put(join(prefix, e.getKey()), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(join(prefix, e.getKey()), wantParameters, out, seen);
        }
    }

    private static String join(String prefix, String name) {
        if (prefix.isEmpty()) {
            return name;
        }
        return name.isEmpty() ? prefix : prefix + "." + name;
    }

    /** The parameters in {@link #namedParameters()} order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** This module and every module below it, depth first, each once. */
    public final List<Module> modules() {
        List<Module> out = new ArrayList<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectModules(out, seen);
        return out;
    }

    private void collectModules(List<Module> out, Set<Module> seen) {
        if (seen.add(this)) {
            out.add(this);
            for (Module child : children.values()) {
                child.collectModules(out, seen);
            }
        }
    }

    /** The number of learnable scalars (tied tensors counted once). */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    // ---------------------------------------------------------------- modes

    /** Training mode for this module and every module below it (dropout drops, BatchNorm uses batch statistics). */
    public final Module train() {
        return setTraining(true);
    }

    /** Evaluation mode for this module and every module below it. */
    public final Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean value) {
        for (Module m : modules()) {
            m.training = value;
        }
        return this;
    }

    public final boolean isTraining() {
        return training;
    }

    // ---------------------------------------------------------------- state

    /** Parameters then buffers, by dotted name: what a checkpoint of this module holds. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = namedParameters();
        state.putAll(namedBuffers());
        return state;
    }

    /**
     * Copies {@code state}'s values into this module's parameters and buffers. Every key and shape is checked
     * first; on any missing key, unexpected key or wrong shape it throws, naming each, and changes nothing.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        state.forEach((key, tensor) -> shapes.put(key, tensor.shape()));
        checkStateDictShapes(shapes);
        for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
            e.getValue().copyFrom(state.get(e.getKey()));
        }
    }

    /**
     * Checks that a state dict with these keys and shapes would load: every key of {@link #stateDict()} present
     * with its shape, and no other key.
     *
     * @throws IllegalArgumentException naming every missing, unexpected and misshaped key
     */
    public final void checkStateDictShapes(Map<String, Shape> shapes) {
        Map<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Shape given = shapes.get(e.getKey());
            if (given == null) {
                problems.add("missing key '" + e.getKey() + "' (expected shape " + e.getValue().shape() + ")");
            } else if (!given.equals(e.getValue().shape())) {
                problems.add("key '" + e.getKey() + "' has shape " + given + ", the module expects "
                        + e.getValue().shape());
            }
        }
        for (String key : shapes.keySet()) {
            if (!own.containsKey(key)) {
                problems.add("unexpected key '" + key + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": "
                    + String.join("; ", problems));
        }
    }

    // ---------------------------------------------------------------- printing

    /** The settings shown between the parentheses of this module's line, e.g. {@code in=2, out=1, bias=true}. */
    protected String extraRepr() {
        return "";
    }

    /** An indented tree, one line per module: {@code (name): Linear(in=2, out=1, bias=true)}. */
    @Override
    public String toString() {
        String head = getClass().getSimpleName() + "(" + extraRepr();
        if (children.isEmpty()) {
            return head + ")";
        }
        StringBuilder sb = new StringBuilder(head).append(extraRepr().isEmpty() ? "" : ",");
        for (Map.Entry<String, Module> e : children.entrySet()) {
            String label = e.getKey().isEmpty() ? "" : "(" + e.getKey() + "): ";
            sb.append("\n  ").append(label).append(e.getValue().toString().replace("\n", "\n  "));
        }
        return sb.append("\n)").toString();
    }
}
