package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.Map;
import java.util.Optional;

/**
 * Finds tensors holding NaN or ±infinity, on any backend: one number read back for all of them, and one per tensor
 * only when something is wrong, to name it.
 */
final class Finite {
    private Finite() {
    }

    /** The name of the first tensor of {@code tensors} (in their order) with a non-finite value, if any. */
    @SuppressWarnings("try")
    static Optional<String> firstNonFinite(Map<String, Tensor> tensors) {
        if (tensors.isEmpty()) {
            return Optional.empty();
        }
        try (Autograd.Scope ignored = Autograd.noGrad();
             MemoryScope probes = tensors.values().iterator().next().backend().scope()) {
            Tensor total = null;
            for (Tensor t : tensors.values()) {
                Tensor probe = probe(t);
                total = total == null ? probe : total.add(probe);
            }
            if (Float.isFinite(total.item())) {
                return Optional.empty();
            }
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                if (!Float.isFinite(probe(e.getValue()).item())) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Σ 0·x: 0 when every x is finite and NaN otherwise (0·±∞ = NaN, 0·NaN = NaN; no overflow), a scalar on t's
     * backend, made in the caller's scope; the t-sized product is released at once.
     */
    private static Tensor probe(Tensor t) {
        try (MemoryScope temps = t.backend().scope()) {
            Tensor s = t.mul(0f).sum();
            temps.keep(s);
            return s;
        }
    }
}
