package dev.descent.optim;

import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_} with the L2 norm:
 * <pre>
 * total = √(Σ_i ‖g_i‖²)                        over every parameter that has a gradient
 * coef  = min(1, maxNorm / (total + 1e−6))
 * g_i ← coef·g_i
 * return total                                 the norm before clipping (what GPT training logs)
 * </pre>
 * PyTorch multiplies even when coef = 1, to avoid reading the norm on the host; here the norm is read anyway
 * (it is returned as a number), so gradients under the limit are left as they are. A non-finite total turns
 * every gradient into NaN, as in PyTorch, unless {@code errorIfNonfinite} asks for an exception instead.
 */
public final class GradClip {
    private GradClip() {
    }

    /** Clips the gradients of {@code params} to global L2 norm {@code maxNorm}; returns the norm before. */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, false);
    }

    /**
     * As {@link #clipGradNorm(List, double)}; with {@code errorIfNonfinite}, a NaN or infinite norm throws
     * before any gradient is touched.
     */
    @SuppressWarnings("try")
    public static double clipGradNorm(List<Tensor> params, double maxNorm, boolean errorIfNonfinite) {
        Hyper.nonNegative("clipGradNorm", "maxNorm", maxNorm);
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            Map<Backend, List<Tensor>> grads = params.stream().map(Tensor::grad).filter(Objects::nonNull)
                    .collect(Collectors.groupingBy(Tensor::backend, LinkedHashMap::new, Collectors.toList()));
            if (grads.isEmpty()) {
                return 0;
            }
            // total = √(Σ_i ‖g_i‖²): one fused sum per backend, one number read back from each
            double sumOfSquares = 0;
            for (Map.Entry<Backend, List<Tensor>> e : grads.entrySet()) {
                try (MemoryScope temps = e.getKey().scope()) {
                    sumOfSquares += e.getKey().sumOfSquares(e.getValue()).item();
                }
            }
            double total = Math.sqrt(sumOfSquares);
            if (errorIfNonfinite && !Double.isFinite(total)) {
                throw new IllegalStateException("clipGradNorm: the total gradient norm is " + total
                        + "; a gradient holds NaN or infinity (a diverged loss, or a bad learning rate)");
            }
            // coef = min(1, maxNorm / (total + 1e−6))
            double coef = Math.min(1.0, maxNorm / (total + 1e-6));
            if (!(coef >= 1.0)) {
                for (Tensor p : params) {
                    p.scaleGrad((float) coef);
                }
            }
            return total;
        }
    }
}
