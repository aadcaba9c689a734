package dev.descent.lessons.autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A scalar autograd engine, whole: one number that remembers how it was computed.
 *
 * <p>Every operation returns a new {@code Value} that keeps its inputs and a small closure, {@code backwardStep},
 * which applies the chain rule for that one operation: given d(root)/d(out) in {@code out.grad}, it adds
 * d(root)/d(input) = d(root)/d(out) · d(out)/d(input) to each input's grad. {@link #backward()} runs those
 * closures from the root back to the leaves, each only after every use of its output has reported in.
 */
final class Value {
    private final double data;
    private final List<Value> inputs;
    /** The operation that made this value ("+", "*", "tanh", …), empty for a leaf. */
    private final String op;
    private double grad;
    private Runnable backwardStep = () -> { };

    Value(double data) {
        this(data, List.of(), "");
    }

    private Value(double data, List<Value> inputs, String op) {
        this.data = data;
        this.inputs = inputs;
        this.op = op;
    }

    double data() {
        return data;
    }

    /** d(root)/d(this) after {@code root.backward()}. */
    double grad() {
        return grad;
    }

    /** The values this one was computed from (none for a leaf). */
    List<Value> inputs() {
        return inputs;
    }

    /** The operation that computed this value, empty for a leaf. */
    String op() {
        return op;
    }

    /** out = a + b.  ∂out/∂a = 1, ∂out/∂b = 1. */
    Value add(Value other) {
        Value out = new Value(data + other.data, List.of(this, other), "+");
        out.backwardStep = () -> {
            this.grad += out.grad;
            other.grad += out.grad;
        };
        return out;
    }

    Value add(double constant) {
        return add(new Value(constant));
    }

    /** out = a·b.  ∂out/∂a = b, ∂out/∂b = a: backward needs both forward values. */
    Value mul(Value other) {
        Value out = new Value(data * other.data, List.of(this, other), "×");
        out.backwardStep = () -> {
            this.grad += LocalDerivatives.mul(other.data) * out.grad;
            other.grad += LocalDerivatives.mul(this.data) * out.grad;
        };
        return out;
    }

    Value mul(double constant) {
        return mul(new Value(constant));
    }

    /** out = aᵖ for a constant p.  ∂out/∂a = p·aᵖ⁻¹. */
    Value pow(double p) {
        String exponent = p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
        Value out = new Value(Math.pow(data, p), List.of(this), "^" + exponent);
        out.backwardStep = () -> this.grad += LocalDerivatives.pow(data, p) * out.grad;
        return out;
    }

    /** out = tanh a.  ∂out/∂a = 1 − out²: backward needs the forward output. */
    Value tanh() {
        Value out = new Value(Math.tanh(data), List.of(this), "tanh");
        out.backwardStep = () -> this.grad += LocalDerivatives.tanh(out.data) * out.grad;
        return out;
    }

    /** out = eᵃ.  ∂out/∂a = eᵃ = out. */
    Value exp() {
        Value out = new Value(Math.exp(data), List.of(this), "exp");
        out.backwardStep = () -> this.grad += LocalDerivatives.exp(out.data) * out.grad;
        return out;
    }

    /** −a = a·(−1). */
    Value neg() {
        return mul(-1);
    }

    /** a − b = a + (−b). */
    Value sub(Value other) {
        return add(other.neg());
    }

    /** a / b = a·b⁻¹. */
    Value div(Value other) {
        return mul(other.pow(-1));
    }

    /**
     * Backpropagation from this value: seed d(this)/d(this) = 1, then run every node's chain-rule step in reverse
     * topological order, so a node passes its gradient on only once it has received all of it (the steps add,
     * because a value used twice gets a contribution from each use).
     *
     * <p>As in micrograd and PyTorch, the leaves (values computed from nothing: inputs, parameters) accumulate:
     * each backward adds to what their grad already holds, so that several backward passes sum their gradients
     * (lesson 19 builds gradient accumulation on this). Clear them with {@link #zeroGrad()} before a fresh
     * gradient. The computed values in between only pass gradients on, so they start every pass from 0.
     */
    void backward() {
        List<Value> order = topologicalOrder();
        for (Value v : order) {
            if (!v.inputs.isEmpty()) {
                v.grad = 0;
            }
        }
        grad = 1;
        for (int i = order.size() - 1; i >= 0; i--) {
            order.get(i).backwardStep.run();
        }
    }

    /** Forgets the gradient this value has accumulated (what an optimizer's zeroGrad does for every parameter). */
    void zeroGrad() {
        grad = 0;
    }

    /** Every value this one depends on, each listed after all of its inputs (depth-first post-order). */
    List<Value> topologicalOrder() {
        List<Value> order = new ArrayList<>();
        visit(this, Collections.newSetFromMap(new IdentityHashMap<>()), order);
        return order;
    }

    private static void visit(Value v, Set<Value> seen, List<Value> order) {
        if (seen.add(v)) {
            for (Value input : v.inputs) {
                visit(input, seen, order);
            }
            order.add(v);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Value(data=%.6f, grad=%.6f)", data, grad);
    }
}
