package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.Map;
import java.util.Optional;

/** Finds tensors holding NaN or ±infinity, on any backend, with one reduction and one number read back each. */
final class Finite {
    private Finite() {
    }

    /** The name of the first tensor of {@code tensors} (in their order) with a non-finite value, if any. */
    static Optional<String> firstNonFinite(Map<String, Tensor> tensors) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                try (MemoryScope temps = e.getValue().backend().scope()) {
                    // Σ 0·x is 0 when every x is finite and NaN otherwise (0·±∞ = NaN, 0·NaN = NaN); no overflow
                    if (!Float.isFinite(e.getValue().mul(0f).sum().item())) {
                        return Optional.of(e.getKey());
                    }
                }
            }
        }
        return Optional.empty();
    }
}
