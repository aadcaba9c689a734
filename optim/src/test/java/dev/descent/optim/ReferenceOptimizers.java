package dev.descent.optim;

/**
 * Independent double-precision implementations of PyTorch's update rules, scalar loops written straight from the
 * formulas of torch.optim's documentation and single-tensor code paths, stated on each method (not from the classes
 * under test). Each keeps its own state; {@code weightDecay[i]} is
 * λ of parameter i, so parameter groups can be mirrored. Every parameter is updated at every step, so one step
 * counter t serves all of them (incremented before use: the first update has t = 1).
 */
final class ReferenceOptimizers {
    private ReferenceOptimizers() {
    }

    /** One update of every parameter, in place, with learning rate γ = lr. */
    interface Reference {
        void step(double[][] params, double[][] grads, double lr);
    }

    /**
     * torch.optim.SGD:
     * <pre>
     * g ← g + λθ ;  b₁ = g,  b_t = μ·b_{t−1} + (1−τ)·g ;  g ← g + μ·b_t (nesterov) or b_t ;  θ ← θ − γ·g
     * </pre>
     */
    static Reference sgd(double momentum, double dampening, boolean nesterov, double[] weightDecay) {
        return new Reference() {
            double[][] buffer;

            @Override
            public void step(double[][] params, double[][] grads, double lr) {
                boolean first = buffer == null;
                if (first) {
                    buffer = new double[params.length][];
                }
                for (int p = 0; p < params.length; p++) {
                    if (first) {
                        buffer[p] = new double[params[p].length];
                    }
                    for (int i = 0; i < params[p].length; i++) {
                        double g = grads[p][i] + weightDecay[p] * params[p][i];
                        if (momentum != 0) {
                            buffer[p][i] = first ? g : momentum * buffer[p][i] + (1 - dampening) * g;
                            g = nesterov ? g + momentum * buffer[p][i] : buffer[p][i];
                        }
                        params[p][i] -= lr * g;
                    }
                }
            }
        };
    }

    /**
     * torch.optim.RMSprop:
     * <pre>
     * g ← g + λθ ;  v = αv + (1−α)g² ;  centered: ḡ = ḡ + (1−α)(g − ḡ), ṽ = v − ḡ², else ṽ = v ;
     * d = √ṽ + ε ;  μ &gt; 0: b = μb + g/d, θ ← θ − γb ;  else θ ← θ − γg/d
     * </pre>
     */
    static Reference rmsprop(double alpha, double eps, double momentum, boolean centered, double[] weightDecay) {
        return new Reference() {
            double[][] v;
            double[][] mean;
            double[][] buffer;

            @Override
            public void step(double[][] params, double[][] grads, double lr) {
                if (v == null) {
                    v = zerosLike(params);
                    mean = zerosLike(params);
                    buffer = zerosLike(params);
                }
                for (int p = 0; p < params.length; p++) {
                    for (int i = 0; i < params[p].length; i++) {
                        double g = grads[p][i] + weightDecay[p] * params[p][i];
                        v[p][i] = alpha * v[p][i] + (1 - alpha) * g * g;
                        double avg = v[p][i];
                        if (centered) {
                            mean[p][i] = mean[p][i] + (1 - alpha) * (g - mean[p][i]);
                            avg = v[p][i] - mean[p][i] * mean[p][i];
                        }
                        double d = Math.sqrt(avg) + eps;
                        if (momentum > 0) {
                            buffer[p][i] = momentum * buffer[p][i] + g / d;
                            params[p][i] -= lr * buffer[p][i];
                        } else {
                            params[p][i] -= lr * g / d;
                        }
                    }
                }
            }
        };
    }

    /**
     * torch.optim.Adam ({@code decoupled = false}) and torch.optim.AdamW ({@code decoupled = true}):
     * <pre>
     * AdamW: θ ← θ(1 − γλ)            Adam: g ← g + λθ
     * m = β1·m + (1−β1)g ;  v = β2·v + (1−β2)g² ;  bc1 = 1 − β1^t ;  bc2 = 1 − β2^t
     * amsgrad: vmax = max(vmax, v) (raw v), used for v below
     * θ ← θ − γ · (m/bc1) / (√(v/bc2) + ε)
     * </pre>
     */
    static Reference adam(double beta1, double beta2, double eps, boolean amsgrad, boolean decoupled,
                          double[] weightDecay) {
        return new Reference() {
            double[][] m;
            double[][] v;
            double[][] vmax;
            int t;

            @Override
            public void step(double[][] params, double[][] grads, double lr) {
                if (m == null) {
                    m = zerosLike(params);
                    v = zerosLike(params);
                    vmax = zerosLike(params);
                }
                t++;
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                for (int p = 0; p < params.length; p++) {
                    for (int i = 0; i < params[p].length; i++) {
                        double g = grads[p][i];
                        if (decoupled) {
                            params[p][i] *= 1 - lr * weightDecay[p];
                        } else {
                            g += weightDecay[p] * params[p][i];
                        }
                        m[p][i] = beta1 * m[p][i] + (1 - beta1) * g;
                        v[p][i] = beta2 * v[p][i] + (1 - beta2) * g * g;
                        vmax[p][i] = Math.max(vmax[p][i], v[p][i]);
                        double second = amsgrad ? vmax[p][i] : v[p][i];
                        params[p][i] -= lr * (m[p][i] / bc1) / (Math.sqrt(second / bc2) + eps);
                    }
                }
            }
        };
    }

    private static double[][] zerosLike(double[][] params) {
        double[][] z = new double[params.length][];
        for (int p = 0; p < params.length; p++) {
            z[p] = new double[params[p].length];
        }
        return z;
    }
}
