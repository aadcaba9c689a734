package dev.descent.lessons.gradientclipping;

import dev.descent.core.Autograd;
import dev.descent.core.Tensor;
import java.util.List;

/**
 * Exercise 18: clipping the global gradient norm, PyTorch's {@code clip_grad_norm_}: measure the length of all
 * gradients together, and if it exceeds the limit, scale every gradient by the same factor. The direction of the
 * step is kept; only its length is capped.
 */
final class GlobalNormClip {
    private GlobalNormClip() {
    }

    /** The global L2 norm of all gradients, √(Σ_i ‖g_i‖²); parameters without a gradient count 0. */
    static double norm(List<Tensor> params) {
        double sumOfSquares = 0;
        for (Tensor p : params) {
            if (p.grad() != null) {
                sumOfSquares += p.grad().mul(p.grad()).sum().item();
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * coef = min(1, max/(norm + 1e−6)); every gradient g_i ← coef·g_i (outside the graph, with
     * {@code setGrad}). Returns the norm before clipping.
     */
    @SuppressWarnings("try")
    static double clip(List<Tensor> params, double maxNorm) {
        double norm = norm(params);
        double coef = Math.min(1.0, maxNorm / (norm + 1e-6));
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    p.setGrad(p.grad().mul((float) coef));
                }
            }
        }
        return norm;
    }
}
