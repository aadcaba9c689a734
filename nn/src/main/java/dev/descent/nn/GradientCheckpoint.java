package dev.descent.nn;

import dev.descent.core.Autograd;
import dev.descent.core.MemoryScope;
import dev.descent.core.Op;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Gradient checkpointing: trades compute for memory by keeping only the wrapped module's input. Forward runs
 * the module under no-grad, so none of its activations are saved; backward runs it again with gradients on
 * (from a detached copy of the saved input) and backpropagates the upstream gradient through that
 * recomputation. Parameters of the wrapped module receive the same gradients as without the wrapper.
 *
 * <p>Randomness is replayed: the state of every {@link Stochastic} module's generator is saved before the
 * forward pass, rewound for the recomputation and restored afterwards, so dropout drops the same units twice.
 * Modules that change buffers in forward (BatchNorm in training mode) would update them twice: do not wrap
 * them. The wrapped module's parameter names are unchanged.
 */
public final class GradientCheckpoint extends Module {
    private final Module inner;

    public GradientCheckpoint(Module inner) {
        this.inner = wrap(inner);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!Autograd.isGradEnabled()) {
            return inner.forward(x);
        }
        return Autograd.record(new Recompute(inner, x));
    }

    /** y = f(x) with nothing saved but x;  backward: ỹ = f(x̃) recomputed with x̃ = detach(x), then ỹ.backward(g). */
    private static final class Recompute implements Op {
        private final Module f;
        private final Tensor x;
        private final List<Rng> rngs = new ArrayList<>();
        private final long[] statesBefore;

        Recompute(Module f, Tensor x) {
            this.f = f;
            this.x = x;
            Set<Rng> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Module m : f.modules()) {
                if (m instanceof Stochastic s && seen.add(s.rng())) {
                    rngs.add(s.rng());
                }
            }
            this.statesBefore = states();
        }

        /** Runs f without a graph; its intermediate tensors are released at once, only the output is kept. */
        @Override
        @SuppressWarnings("try")
        public Tensor forward() {
            try (Autograd.Scope ignored = Autograd.noGrad(); MemoryScope temps = x.backend().scope()) {
                Tensor y = f.forward(x);
                temps.keep(y);
                return y;
            }
        }

        /** The input and the wrapped module's parameters: the leaves whose gradients this op produces. */
        @Override
        public List<Tensor> inputs() {
            List<Tensor> in = new ArrayList<>(f.parameters());
            in.add(0, x);
            return in;
        }

        @Override
        @SuppressWarnings("try")
        public void backward(Tensor g) {
            long[] statesAfter = states();
            setStates(statesBefore);
            Tensor xd = x.detach().requiresGrad(x.requiresGrad());
            Tensor y;
            try (Autograd.Scope ignored = Autograd.enableGrad()) {
                y = f.forward(xd);
            } finally {
                setStates(statesAfter);
            }
            if (y.requiresGrad()) {
                y.backward(g);
            }
            if (xd.grad() != null) {
                x.accumulateGrad(xd.grad());
            }
        }

        private long[] states() {
            long[] s = new long[rngs.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = rngs.get(i).state();
            }
            return s;
        }

        private void setStates(long[] s) {
            for (int i = 0; i < s.length; i++) {
                rngs.get(i).setState(s[i]);
            }
        }

        @Override
        public String name() {
            return "gradientCheckpoint";
        }
    }
}
