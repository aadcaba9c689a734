// optim.cu: fused optimizer updates (one thread per parameter element, parameters and state updated in place)
// and the sum of squares behind the global gradient norm. Formulas follow PyTorch's single-tensor
// code paths in torch.optim: the step t counts from 1, SGD's first momentum buffer is g itself (no dampening), RMSprop
// adds ε outside the square root, Adam and AdamW add ε after the bias correction of √v.
#include "common.cuh"

// v1 SGD. g' = g + λθ;  with momentum μ: b = g' on the first step, else μb + (1−τ)g';  g' = g' + μb (Nesterov) or b;
// θ −= γg'. `buf` may be null when μ = 0.
extern "C" __global__ void sgd_step(int n, float* __restrict__ p, const float* __restrict__ g, float* __restrict__ buf,
                                    float lr, float momentum, float dampening, float wd, int nesterov, int first) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x) {
        float d = g[i] + wd * p[i];
        if (momentum != 0.0f) {
            float b = first ? d : momentum * buf[i] + (1.0f - dampening) * d;
            buf[i] = b;
            d = nesterov ? d + momentum * b : b;
        }
        p[i] -= lr * d;
    }
}

// v1 RMSprop. g' = g + λθ;  v = αv + (1−α)g'²;  centered: ḡ = ḡ + (1−α)(g' − ḡ), ṽ = v − ḡ²;  d = √ṽ + ε;
// momentum μ > 0: b = μb + g'/d, θ −= γb;  else θ −= γg'/d. `gavg` and `mbuf` may be null when unused.
extern "C" __global__ void rmsprop_step(int n, float* __restrict__ p, const float* __restrict__ g, float* __restrict__ sq,
                                        float* __restrict__ gavg, float* __restrict__ mbuf, float lr, float alpha,
                                        float eps, float wd, float momentum, int centered) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x) {
        float d = g[i] + wd * p[i];
        float v = alpha * sq[i] + (1.0f - alpha) * d * d;
        sq[i] = v;
        if (centered) {
            float a = gavg[i] + (1.0f - alpha) * (d - gavg[i]);
            gavg[i] = a;
            v -= a * a;
        }
        float step = d / (sqrtf(v) + eps);
        if (momentum > 0.0f) {
            step = momentum * mbuf[i] + step;
            mbuf[i] = step;
        }
        p[i] -= lr * step;
    }
}

// v1 Adam / AdamW. AdamW (decoupled): θ = θ(1 − γλ);  Adam: g' = g + λθ.  Then m = β1m + (1−β1)g',
// v = β2v + (1−β2)g'²,  θ −= (γ/bc1)·m/(√v/√bc2 + ε), with bc1 = 1 − β1^t, bc2 = 1 − β2^t.
extern "C" __global__ void adam_step(int n, float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                     float* __restrict__ v, float lr, float beta1, float beta2, float eps, float wd,
                                     int decoupled, float bc1, float bc2) {
    float stepSize = lr / bc1, sqrtBc2 = sqrtf(bc2);
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x) {
        float theta = p[i], d = g[i];
        if (decoupled) theta *= 1.0f - lr * wd;
        else d += wd * theta;
        float mi = beta1 * m[i] + (1.0f - beta1) * d;
        float vi = beta2 * v[i] + (1.0f - beta2) * d * d;
        m[i] = mi;
        v[i] = vi;
        p[i] = theta - stepSize * mi / (sqrtf(vi) / sqrtBc2 + eps);
    }
}

// v1 sum of squares, stage 1: each block reduces a grid-strided share of x to partials[blockIdx.x]. block (256).
extern "C" __global__ void sumsq_partial(int n, const float* __restrict__ x, float* __restrict__ partials) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        acc += x[i] * x[i];
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// v1 sum of squares, stage 2: one block adds the partials in a fixed order; out[0] = (accumulate ? out[0] : 0) + Σ.
// Deterministic, so the gradient norm is the same on every run. grid (1), block (1024).
extern "C" __global__ void sum_partials(int count, const float* __restrict__ partials, float* __restrict__ out,
                                        int accumulate) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) out[0] = (accumulate ? out[0] : 0.0f) + acc;
}
