package dev.descent.lessons.autograd;

import dev.descent.core.Autograd;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.lessons.LessonFolder;
import dev.descent.lessons.Plot;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Lesson 03: autograd. A scalar engine built from nothing ({@link Value}) differentiates an expression; descent's
 * tensor engine agrees with it; a Jacobian is read off one backward pass per output; and a chain of ops shows
 * why backward costs memory: it needs the activations the forward pass computed.
 */
public final class Main {
    static final double A = 0.7;
    static final double B = -1.2;
    static final double C = 1.5;

    /** f(a, b, c) = tanh(a·b + c) + b·exp(a·c) + (a + b)³ / c, on the scalar engine. */
    static Value expression(Value a, Value b, Value c) {
        return a.mul(b).add(c).tanh()
                .add(b.mul(a.mul(c).exp()))
                .add(a.add(b).pow(3).div(c));
    }

    /** The same f on descent's tensors (rank-0 tensors, float32). */
    static Tensor expression(Tensor a, Tensor b, Tensor c) {
        return a.mul(b).add(c).tanh()
                .add(b.mul(a.mul(c).exp()))
                .add(a.add(b).pow(3).div(c));
    }

    /** {f, ∂f/∂a, ∂f/∂b, ∂f/∂c} from the scalar engine. */
    static double[] scalarEngine(double a, double b, double c) {
        Value va = new Value(a);
        Value vb = new Value(b);
        Value vc = new Value(c);
        Value f = expression(va, vb, vc);
        f.backward();
        return new double[] {f.data(), va.grad(), vb.grad(), vc.grad()};
    }

    /** {f, ∂f/∂a, ∂f/∂b, ∂f/∂c} from descent's tensor engine. */
    static double[] tensorEngine(double a, double b, double c) {
        Tensor ta = Tensor.scalar((float) a).requiresGrad(true);
        Tensor tb = Tensor.scalar((float) b).requiresGrad(true);
        Tensor tc = Tensor.scalar((float) c).requiresGrad(true);
        Tensor f = expression(ta, tb, tc);
        double value = f.item();
        f.backward();
        return new double[] {value, ta.grad().item(), tb.grad().item(), tc.grad().item()};
    }

    /** ∂f/∂v ≈ (f(v + h) − f(v − h)) / 2h for v = a, b, c: no chain rule at all, only evaluations. */
    static double[] centralDifferences(double a, double b, double c, double h) {
        double[] point = {a, b, c};
        double[] grads = new double[3];
        for (int i = 0; i < 3; i++) {
            double[] up = point.clone();
            double[] down = point.clone();
            up[i] += h;
            down[i] -= h;
            grads[i] = (evaluate(up) - evaluate(down)) / (2 * h);
        }
        return grads;
    }

    private static double evaluate(double[] p) {
        return expression(new Value(p[0]), new Value(p[1]), new Value(p[2])).data();
    }

    // ---------------------------------------------------------------- the Jacobian of y = tanh(W x)

    /** W (2, 3), a fixed matrix for the Jacobian example. */
    static final float[] W = {0.5f, -1.0f, 0.25f, 1.5f, 0.75f, -0.5f};
    static final float[] X = {0.3f, -0.2f, 0.8f};

    /** y = tanh(W x), with W (2, 3) and x (3, 1) giving y (2, 1). */
    static Tensor vectorFunction(Tensor x) {
        return Tensor.fromArray(W, 2, 3).matmul(x).tanh();
    }

    /**
     * J[i][j] = ∂y_i/∂x_j, one row per backward pass: backward from y with upstream gradient e_i (1 at output i,
     * 0 elsewhere) leaves e_iᵀ·J, row i, in x.grad(). The graph is freed by each backward, so each row runs the
     * forward pass again.
     */
    static double[][] jacobianByBackward(float[] x0) {
        int outputs = W.length / x0.length;
        double[][] jacobian = new double[outputs][];
        for (int i = 0; i < outputs; i++) {
            Tensor x = Tensor.fromArray(x0, x0.length, 1).requiresGrad(true);
            float[] oneHot = new float[outputs];
            oneHot[i] = 1;
            vectorFunction(x).backward(Tensor.fromArray(oneHot, outputs, 1));
            jacobian[i] = toDoubles(x.grad().toArray());
        }
        return jacobian;
    }

    /** By hand: y_i = tanh(Σ_j W_ij x_j), so ∂y_i/∂x_j = (1 − y_i²)·W_ij, i.e. J = diag(1 − y²)·W. */
    static double[][] jacobianByHand(float[] x0) {
        int inputs = x0.length;
        int outputs = W.length / inputs;
        double[][] jacobian = new double[outputs][inputs];
        for (int i = 0; i < outputs; i++) {
            double z = 0;
            for (int j = 0; j < inputs; j++) {
                z += W[i * inputs + j] * (double) x0[j];
            }
            double y = Math.tanh(z);
            for (int j = 0; j < inputs; j++) {
                jacobian[i][j] = (1 - y * y) * W[i * inputs + j];
            }
        }
        return jacobian;
    }

    // ---------------------------------------------------------------- what the graph keeps alive

    /** h₀ = x, h_k = tanh(h_{k−1}) for k = 1..depth: a chain of {@code depth} ops, each keeping its input. */
    static Tensor tanhChain(Tensor x, int depth) {
        Tensor h = x;
        for (int k = 0; k < depth; k++) {
            h = h.tanh();
        }
        return h;
    }

    /** The tensors reachable from {@code out} through the recorded graph, and their size in bytes. */
    record Held(int tensors, long bytes) {
    }

    /**
     * Walks the graph behind {@code out} (each tensor's creator op and that op's inputs) and counts the distinct
     * tensors it reaches, {@code out} included: what the graph keeps alive, so the garbage collector cannot
     * take it, until backward releases the graph.
     */
    static Held heldByGraph(Tensor out) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> todo = new ArrayDeque<>();
        todo.push(out);
        long bytes = 0;
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            bytes += (long) t.numel() * Float.BYTES;
            if (t.creator() != null) {
                t.creator().inputs().forEach(todo::push);
            }
        }
        return new Held(seen.size(), bytes);
    }

    /** Heap in use after asking the collector to run. */
    static long usedHeapBytes() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * How much the heap grows while the tensor that {@code build} returns is still held: a rough, real-world
     * cross-check of {@link #heldByGraph}.
     */
    static long heapGrowth(Supplier<Tensor> build) {
        long before = usedHeapBytes();
        Tensor kept = build.get();
        long grown = usedHeapBytes() - before;
        Reference.reachabilityFence(kept);
        return grown;
    }

    /** One depth of the memory experiment: graph walk, heap growth with and without a graph, and after backward. */
    record MemoryRow(Held held, long heapWithGraph, long heapNoGrad, Held heldAfterBackward) {
    }

    /** A chain of {@code depth} tanh ops on {@code width} floats, run with the graph recorded and without. */
    @SuppressWarnings("try")
    static MemoryRow measure(int width, int depth, Rng rng) {
        long withGraph = heapGrowth(() -> tanhChain(Tensor.randn(rng, width).requiresGrad(true), depth));
        long noGrad = heapGrowth(() -> {
            try (var scope = Autograd.noGrad()) {
                return tanhChain(Tensor.randn(rng, width).requiresGrad(true), depth);
            }
        });
        Tensor out = tanhChain(Tensor.randn(rng, width).requiresGrad(true), depth);
        Held held = heldByGraph(out);
        if (depth > 0) {
            out.sum().backward();
        }
        return new MemoryRow(held, withGraph, noGrad, heldByGraph(out));
    }

    public static void main(String[] args) {
        double[] scalar = scalarEngine(A, B, C);
        double[] tensor = tensorEngine(A, B, C);
        double[] numeric = centralDifferences(A, B, C, 1e-6);
        System.out.printf(Locale.ROOT,
                "f(a, b, c) = tanh(a*b + c) + b*exp(a*c) + (a + b)^3 / c at (%.1f, %.1f, %.1f)%n", A, B, C);
        System.out.printf(Locale.ROOT, "  scalar engine (Value, double): f = %.6f  grad = (%.6f, %.6f, %.6f)%n",
                scalar[0], scalar[1], scalar[2], scalar[3]);
        System.out.printf(Locale.ROOT, "  descent Tensor (float32):      f = %.6f  grad = (%.6f, %.6f, %.6f)%n",
                tensor[0], tensor[1], tensor[2], tensor[3]);
        System.out.printf(Locale.ROOT, "  central differences, h = 1e-6:               grad = (%.6f, %.6f, %.6f)%n",
                numeric[0], numeric[1], numeric[2]);

        double[][] byBackward = jacobianByBackward(X);
        double[][] byHand = jacobianByHand(X);
        System.out.printf(Locale.ROOT, "Jacobian of y = tanh(W x) at x = (%.1f, %.1f, %.1f), one backward per row:%n",
                X[0], X[1], X[2]);
        for (int i = 0; i < byHand.length; i++) {
            System.out.printf(Locale.ROOT, "  row %d  backward (%.6f, %.6f, %.6f)   by hand (%.6f, %.6f, %.6f)%n", i,
                    byBackward[i][0], byBackward[i][1], byBackward[i][2], byHand[i][0], byHand[i][1], byHand[i][2]);
        }

        int width = 1 << 16;
        int[] depths = {0, 8, 16, 24, 32, 40, 48, 56, 64};
        double[] depthAxis = new double[depths.length];
        double[] withGraphMib = new double[depths.length];
        double[] noGradMib = new double[depths.length];
        System.out.printf(Locale.ROOT, "memory held by a chain of N tanh ops on %d floats (%d KiB each):%n",
                width, width * Float.BYTES / 1024);
        System.out.println("      N  tensors  graph walk MiB  heap measured MiB  heap no-grad MiB  after backward MiB");
        for (int d = 0; d < depths.length; d++) {
            MemoryRow row = measure(width, depths[d], new Rng(d));
            depthAxis[d] = depths[d];
            withGraphMib[d] = row.heapWithGraph() / 1048576.0;
            noGradMib[d] = row.heapNoGrad() / 1048576.0;
            System.out.printf(Locale.ROOT, "  %5d  %7d  %14.2f  %17.2f  %16.2f  %18.2f%n", depths[d],
                    row.held().tensors(), row.held().bytes() / 1048576.0, withGraphMib[d], noGradMib[d],
                    row.heldAfterBackward().bytes() / 1048576.0);
        }
        Path folder = LessonFolder.of("03-autograd");
        Value a = new Value(A);
        Value b = new Value(B);
        Value c = new Value(C);
        Value f = expression(a, b, c);
        f.backward();
        GraphPicture.save(f, Map.of(a, "a", b, "b", c, "c"), String.format(Locale.ROOT,
                "f(a, b, c) = tanh(a·b + c) + b·exp(a·c) + (a + b)³ / c at (%.1f, %.1f, %.1f), after f.backward()",
                A, B, C), folder.resolve("graph.png"));
        Plot.lines("Heap held after the forward pass of N tanh ops (256 KiB each)", "depth N", "MiB")
                .series("graph recorded: (N + 1) x 256 KiB", depthAxis, withGraphMib)
                .series("under no-grad: x and the output only", depthAxis, noGradMib)
                .save(folder.resolve("memory.png"));
        System.out.println("wrote graph.png and memory.png in " + folder);
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
