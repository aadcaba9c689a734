package dev.descent.train.loop;

import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds tensors holding NaN or ±infinity, on any backend. The common case, all finite, costs one fused sum of
 * squares per backend and one number read back: no temporary the size of a tensor, one pass over the data. Only when
 * that sum is not finite are the tensors checked one by one, to name the first.
 */
final class Finite {
    private Finite() {
    }

    /** The name of the first tensor of {@code tensors} (in their order) with a non-finite value, if any. */
    @SuppressWarnings("try")
    static Optional<String> firstNonFinite(Map<String, Tensor> tensors) {
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            // Σ x² over everything is NaN or ∞ whenever one x is; it may also overflow to ∞ with every x finite,
            // which the exact check below then clears
            Map<Backend, List<Tensor>> byBackend = tensors.values().stream()
                    .collect(Collectors.groupingBy(Tensor::backend));
            boolean allFinite = true;
            for (Map.Entry<Backend, List<Tensor>> e : byBackend.entrySet()) {
                try (MemoryScope temps = e.getKey().scope()) {
                    allFinite &= Float.isFinite(e.getKey().sumOfSquares(e.getValue()).item());
                }
            }
            return allFinite ? Optional.empty() : firstNonFiniteOneByOne(tensors);
        }
    }

    @SuppressWarnings("try")
    private static Optional<String> firstNonFiniteOneByOne(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            try (MemoryScope temps = e.getValue().backend().scope()) {
                // Σ 0·x is 0 when every x is finite and NaN otherwise (0·±∞ = NaN, 0·NaN = NaN); no overflow
                if (!Float.isFinite(e.getValue().mul(0f).sum().item())) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }
}
