package dev.descent.optim;

import dev.descent.core.Autograd;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.List;

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
            Tensor sumOfSquares = null;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    try (MemoryScope temps = g.backend().scope()) {
                        // Σ_i ‖g_i‖², each g² released before the next parameter's
                        Tensor s = g.mul(g).sum();
                        sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
                        temps.keep(sumOfSquares);
                    }
                }
            }
            if (sumOfSquares == null) {
                return 0;
            }
            // total = √(Σ_i ‖g_i‖²)
            double total = Math.sqrt(sumOfSquares.item());
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
