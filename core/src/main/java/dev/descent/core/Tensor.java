package dev.descent.core;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array of float32 values, row-major and contiguous, that can remember how it was computed.
 *
 * <p>A tensor is a {@link Shape}, a {@link Storage} on some {@link Backend}, and three autograd fields: whether
 * it requires a gradient, its gradient, and the {@link Op} that created it. Its values never
 * change after creation, except through {@link #copyFrom}, which optimizers use to update parameters.
 */
public final class Tensor {
    private final Shape shape;
    private final Storage storage;
    private boolean requiresGrad;
    /** dL/d(this), or null; how it is owned, accumulated and released is {@link Backprop}'s to decide. */
    Backprop.Gradient grad;
    /** The op that made this tensor: null for a leaf, {@link Backprop#RELEASED} once backward has run it. */
    Op creator;

    private Tensor(Shape shape, Storage storage) {
        if (storage.size() != shape.numel()) {
            throw new IllegalArgumentException("storage of " + storage.size() + " elements cannot hold shape " + shape);
        }
        this.shape = shape;
        this.storage = storage;
    }

    /** Wraps backend memory as a tensor; backends call this, users call the factories below. */
    public static Tensor wrap(Storage storage, Shape shape) {
        return new Tensor(shape, storage);
    }

    /** This tensor's storage seen as {@code shape} (same element count), not recorded: for backend code. */
    Tensor view(Shape shape) {
        return new Tensor(shape, storage);
    }

    // ---------------------------------------------------------------- factories (on the default backend)

    public static Tensor zeros(int... dims) {
        return full(0f, dims);
    }

    public static Tensor ones(int... dims) {
        return full(1f, dims);
    }

    public static Tensor full(float value, int... dims) {
        return Backends.defaultBackend().full(Shape.of(dims), value);
    }

    /** A rank-0 tensor, shape {@code ()}, holding one value: PyTorch's {@code torch.tensor(v)}. */
    public static Tensor scalar(float value) {
        return Backends.defaultBackend().full(Shape.scalar(), value);
    }

    /**
     * A copy of {@code data} as a vector, shape {@code (data.length)}, like PyTorch's {@code torch.tensor([..])}: an
     * array is a list of values, so one value gives shape {@code (1)}, not a scalar. For a rank-0 tensor use
     * {@link #scalar}; for another shape, {@link #fromArray(float[], int...)}.
     */
    public static Tensor fromArray(float[] data) {
        return fromArray(data, data.length);
    }

    /**
     * A copy of {@code data} viewed as exactly {@code dims}, which must hold {@code data.length} values. An empty
     * {@code dims} is the scalar shape {@code ()} (one value), so {@code fromArray(t.toArray(), t.shape().dims())}
     * rebuilds any tensor's shape, a scalar's included.
     */
    public static Tensor fromArray(float[] data, int... dims) {
        Shape shape = Shape.of(dims);
        if (shape.numel() != data.length) {
            throw new IllegalArgumentException("fromArray: " + data.length + " values cannot fill shape " + shape);
        }
        return Backends.defaultBackend().fromArray(data, shape);
    }

    /** {@code [0, 1, .., n-1]}. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** {@code start, start+step, ..} up to but excluding {@code end}. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || (end - start) / step < 0) {
            throw new IllegalArgumentException("arange(" + start + ", " + end + ", " + step + ") is empty or endless");
        }
        int n = (int) Math.ceil((end - start) / step);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + i * step;
        }
        return Backends.defaultBackend().fromArray(values, Shape.of(n));
    }

    /** Standard normal values from {@code rng}. */
    public static Tensor randn(Rng rng, int... dims) {
        return Backends.defaultBackend().randn(Shape.of(dims), rng);
    }

    /** Uniform [0, 1) values from {@code rng}. */
    public static Tensor rand(Rng rng, int... dims) {
        return Backends.defaultBackend().rand(Shape.of(dims), rng);
    }

    // ---------------------------------------------------------------- data

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    public int numel() {
        return shape.numel();
    }

    /** Size of one dimension; {@code -1} is the last. */
    public int dim(int axis) {
        return shape.dim(axis);
    }

    public Storage storage() {
        return storage;
    }

    public Backend backend() {
        return storage.backend();
    }

    /** The one value of a single-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, this one has shape " + shape);
        }
        return toArray()[0];
    }

    /** The values as a new row-major array. */
    public float[] toArray() {
        return backend().toArray(this);
    }

    /** This tensor's values on {@code target} (the same tensor when it is already there); no graph is kept. */
    public Tensor to(Backend target) {
        return target == backend() ? this : target.fromArray(toArray(), shape);
    }

    /**
     * Overwrites this tensor's values with {@code src}'s (same shape): how optimizers update parameters in place.
     * Not recorded by autograd.
     */
    public void copyFrom(Tensor src) {
        if (!src.shape.equals(shape)) {
            throw new IllegalArgumentException("copyFrom: shape " + src.shape + " into shape " + shape);
        }
        backend().copyInto(this, src.to(backend()));
    }

    // ---------------------------------------------------------------- autograd (the memory rules: Backprop)

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a variable whose gradient backward should compute; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (creator() != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf tensor; this one was made by "
                    + creator.name());
        }
        this.requiresGrad = value;
        return this;
    }

    /** The gradient accumulated by backward calls since the last {@link #zeroGrad()}, or null. */
    public Tensor grad() {
        return grad == null ? null : grad.value();
    }

    /**
     * Replaces the gradient with a tensor the caller keeps owning: it is never written into or released here, so
     * two tensors may share one. (A gradient made by backward belongs to its tensor: backward accumulates into it
     * in place and {@link #zeroGrad()} releases it.)
     */
    public void setGrad(Tensor value) {
        if (value != null && !value.shape.equals(shape)) {
            throw new IllegalArgumentException("setGrad: gradient of shape " + value.shape + " for tensor of shape " + shape);
        }
        Backprop.give(this, value);
    }

    /** Multiplies the gradient by {@code s}: in place when backward made it, else by replacing it. */
    public void scaleGrad(float s) {
        Backprop.scale(this, s);
    }

    /**
     * Drops the gradient, so the next backward starts from zero. A gradient that backward made is released (its
     * device memory is free at once): copy it first ({@code toArray}) if you need its values afterwards.
     */
    public void zeroGrad() {
        Backprop.zero(this);
    }

    /** True for tensors not produced by a recorded op (inputs, parameters). */
    public boolean isLeaf() {
        return creator == null;
    }

    /** The op that produced this tensor, or null for a leaf or after backward released the graph. */
    public Op creator() {
        return creator == Backprop.RELEASED ? null : creator;
    }

    void setCreator(Op op) {
        this.creator = op;
        this.requiresGrad = true;
    }

    /** Backpropagates from a single-element tensor (usually the loss), seeding dL/dL = 1. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a single-element tensor (a loss), "
                    + "this one has shape " + shape + "; pass the upstream gradient: backward(grad)");
        }
        backward(backend().full(shape, 1f));
    }

    /** Backpropagates {@code upstream}, the gradient of some scalar with respect to this tensor. */
    public void backward(Tensor upstream) {
        if (!upstream.shape.equals(shape)) {
            throw new IllegalArgumentException("backward: upstream gradient of shape " + upstream.shape
                    + " for tensor of shape " + shape);
        }
        Backprop.requireGraph(this);
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require a gradient; mark an input "
                    + "with requiresGrad(true) before computing it (and not inside a no-grad scope)");
        }
        Autograd.backward(this, upstream);
    }

    /**
     * Adds {@code g} to this tensor's gradient, first summing it back to this tensor's shape over the
     * dimensions that broadcasting expanded: the one place where broadcasting is undone. Where the sum goes
     * (in place, claimed by a backward pass, or a new sum) is {@link Backprop#accumulate}'s rule.
     */
    public void accumulateGrad(Tensor g) {
        if (requiresGrad) {
            Backprop.accumulate(this, sumToShape(g, shape));
        }
    }

    /** A new tensor with this one's values, on the same backend; not recorded by autograd. */
    public Tensor copy() {
        Tensor c = backend().full(shape, 0f);
        backend().copyInto(c, this);
        return c;
    }

    private static Tensor sumToShape(Tensor g, Shape target) {
        if (g.shape.equals(target)) {
            return g;
        }
        int lead = g.rank() - target.rank();
        Tensor r = g;
        for (int axis = 0; axis < g.rank(); axis++) {
            boolean broadcastAxis = axis < lead || (target.dim(axis - lead) == 1 && g.dim(axis) != 1);
            if (broadcastAxis) {
                r = r.sum(axis, true);
            }
        }
        return r.reshape(target.dims());
    }

    /** A leaf sharing this tensor's values, cut off from the graph. */
    public Tensor detach() {
        return new Tensor(shape, storage);
    }

    // ---------------------------------------------------------------- elementwise ops

    public Tensor add(Tensor other) {
        return Elementwise.Binary.ADD.apply(this, other);
    }

    public Tensor add(float s) {
        return Elementwise.Scalar.ADD.apply(this, s);
    }

    public Tensor sub(Tensor other) {
        return Elementwise.Binary.SUB.apply(this, other);
    }

    public Tensor sub(float s) {
        return add(-s);
    }

    public Tensor mul(Tensor other) {
        return Elementwise.Binary.MUL.apply(this, other);
    }

    public Tensor mul(float s) {
        return Elementwise.Scalar.MUL.apply(this, s);
    }

    public Tensor div(Tensor other) {
        return Elementwise.Binary.DIV.apply(this, other);
    }

    public Tensor div(float s) {
        return mul(1f / s);
    }

    public Tensor neg() {
        return Elementwise.Unary.NEG.apply(this);
    }

    /** x^p for a constant exponent. */
    public Tensor pow(float p) {
        return Elementwise.Scalar.POW.apply(this, p);
    }

    public Tensor exp() {
        return Elementwise.Unary.EXP.apply(this);
    }

    public Tensor log() {
        return Elementwise.Unary.LOG.apply(this);
    }

    public Tensor sqrt() {
        return Elementwise.Unary.SQRT.apply(this);
    }

    public Tensor tanh() {
        return Elementwise.Unary.TANH.apply(this);
    }

    public Tensor sigmoid() {
        return Elementwise.Unary.SIGMOID.apply(this);
    }

    public Tensor relu() {
        return Elementwise.Unary.RELU.apply(this);
    }

    /** GELU with the tanh approximation (GPT-2's). */
    public Tensor gelu() {
        return Elementwise.Unary.GELU_TANH.apply(this);
    }

    /** GELU with the exact erf form, x·Φ(x). */
    public Tensor geluExact() {
        return Elementwise.Unary.GELU_ERF.apply(this);
    }

    /** SiLU (swish), x·σ(x), composed of two ops: autograd derives dL/dx = g·(σ(x) + x·σ(x)(1 − σ(x))). */
    public Tensor silu() {
        return mul(sigmoid());
    }

    // ---------------------------------------------------------------- matrix and shape ops

    /** Matrix product over the last two axes, batch axes broadcast: {@code (.., M, K) @ (.., K, N) -> (.., M, N)}. */
    public Tensor matmul(Tensor other) {
        return Autograd.record(new MatMul(this, other));
    }

    /** Swaps the last two axes. */
    public Tensor transpose() {
        return transpose(-2, -1);
    }

    public Tensor transpose(int axis1, int axis2) {
        int[] axes = new int[rank()];
        Arrays.setAll(axes, i -> i);
        int a = shape.normalizeAxis(axis1);
        int b = shape.normalizeAxis(axis2);
        axes[a] = b;
        axes[b] = a;
        return permute(axes);
    }

    /** Output axis i is input axis {@code axes[i]}. */
    public Tensor permute(int... axes) {
        return Layout.permute(this, axes);
    }

    /** The same values viewed as another shape of equal size; one dimension may be {@code -1} (inferred). */
    public Tensor reshape(int... dims) {
        return Layout.reshape(this, dims);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        return Layout.slice(this, axis, start, end);
    }

    /** Joins tensors along {@code axis}; they must agree on every other axis. */
    public static Tensor concat(List<Tensor> tensors, int axis) {
        return Layout.concat(tensors, axis);
    }

    /** Materialises the NumPy broadcast of this tensor to {@code dims}. */
    public Tensor broadcastTo(int... dims) {
        return Layout.broadcastTo(this, Shape.of(dims));
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, a scalar. */
    public Tensor sum() {
        return sum(allAxes(), false);
    }

    public Tensor sum(int axis, boolean keepDim) {
        return sum(new int[] {axis}, keepDim);
    }

    public Tensor sum(int[] axes, boolean keepDim) {
        Tensor r = this;
        for (int axis : shape.normalizeAxes("sum", axes)) {
            r = Reductions.sum(r, axis);
        }
        return keepDim ? r : r.reshape(dropAxes(axes));
    }

    /** Mean of all elements, a scalar. */
    public Tensor mean() {
        return mean(allAxes(), false);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return mean(new int[] {axis}, keepDim);
    }

    /** mean = Σ x / n, n the number of elements reduced. */
    public Tensor mean(int[] axes, boolean keepDim) {
        int n = 1;
        for (int axis : shape.normalizeAxes("mean", axes)) {
            n *= shape.dim(axis);
        }
        return sum(axes, keepDim).mul(1f / n);
    }

    /** Maximum along one axis; ties share the gradient equally. */
    public Tensor max(int axis, boolean keepDim) {
        Tensor r = Reductions.max(this, shape.normalizeAxis(axis));
        return keepDim ? r : r.reshape(dropAxes(new int[] {axis}));
    }

    /** Softmax over the last axis. */
    public Tensor softmax() {
        return Reductions.softmax(this, false);
    }

    /** Log-softmax over the last axis. */
    public Tensor logSoftmax() {
        return Reductions.softmax(this, true);
    }

    private int[] allAxes() {
        int[] axes = new int[rank()];
        Arrays.setAll(axes, i -> i);
        return axes;
    }

    private int[] dropAxes(int[] axes) {
        boolean[] drop = new boolean[rank()];
        for (int axis : axes) {
            drop[shape.normalizeAxis(axis)] = true;
        }
        int[] kept = new int[rank() - (int) java.util.stream.IntStream.range(0, rank()).filter(i -> drop[i]).count()];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (!drop[i]) {
                kept[j++] = shape.dim(i);
            }
        }
        return kept;
    }

    // ---------------------------------------------------------------- printing

    /** Like PyTorch: {@code tensor([[1.0000, 2.0000], [3.0000, 4.0000]], requiresGrad)}; long axes elided. */
    @Override
    public String toString() {
        String values = TensorFormat.format(toArray(), shape);
        String suffix = (backend() == Backends.cpu() ? "" : ", device=" + backend().name())
                + (requiresGrad ? ", requiresGrad" : "");
        return "tensor(" + values + suffix + ")";
    }

    /** Checks that two tensors live on the same backend, naming the op when they do not. */
    public static Backend sameBackend(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": tensors on different devices, " + a.backend().name()
                    + " and " + b.backend().name());
        }
        return a.backend();
    }
}
