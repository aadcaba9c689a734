// optim.cu: fused optimizer updates (one thread per parameter element, parameters and state updated in place)
// and the sum of squares behind the global gradient norm. Formulas follow PyTorch's torch.optim: the step t counts
// from 1, SGD's first momentum buffer is g itself (no dampening), RMSprop adds ε outside the square root, Adam and
// AdamW add ε after the bias correction of √v. Adam and the sum of squares take every tensor of a model in one
// launch (multi-tensor apply, as PyTorch's foreach and fused optimizers do).
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

// Multi-tensor launches. The host writes a table of TensorEntry, one per non-empty tensor (MultiTensorTable.java has
// the same layout: 16 words), and block b works on elements [(b − firstBlock)·MULTI_CHUNK, + MULTI_CHUNK) of the entry
// with the largest firstBlock ≤ b, so every block has one chunk of one tensor, whatever the tensors' sizes.
#define MULTI_CHUNK 4096

struct TensorEntry {
    float* t[5];        // tensors of n elements each (null where unused)
    int n;
    int firstBlock;     // the first block of the launch that works on this entry
    float s[4];         // per-tensor scalars
};

// The entry block blockIdx.x works on: a binary search over the entries' first blocks (ascending).
__device__ __forceinline__ const TensorEntry& entry_of_block(const TensorEntry* table, int count) {
    int lo = 0, hi = count - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) >> 1;
        if (table[mid].firstBlock <= (int)blockIdx.x) lo = mid;
        else hi = mid - 1;
    }
    return table[lo];
}

// v2 Adam / AdamW over many tensors in one launch. Entry t = {θ, g, m, v, vmax (AMSGrad) or null}, s = {γ/bc1, 1/√bc2,
// 1 − γλ (AdamW; else 1), λ (Adam; else 0)}, with bc1 = 1 − β1^t, bc2 = 1 − β2^t for each tensor's step t.
// g' = g + λθ;  m = β1m + (1−β1)g';  v = β2v + (1−β2)g'²;  AMSGrad: vmax = max(vmax, v), used for v below;
// θ = θ(1 − γλ) − (γ/bc1)·m/(√v·(1/√bc2) + ε). The CPU loop's float operations in its order, each rounded on its own
// (the _rn intrinsics keep the compiler from fusing a multiply and an add), so the result is bitwise the CPU's.
// nonFinite[0] is set to NaN by every thread that writes a NaN or ±∞ to θ, m, v or vmax (the host zeroes it before the
// launch), so the caller learns whether the update diverged without another pass over the state. block (256).
extern "C" __global__ void adam_multi(int count, const TensorEntry* __restrict__ table, float beta1,
                                      float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps, int amsgrad,
                                      float* __restrict__ nonFinite) {
    const TensorEntry& e = entry_of_block(table, count);
    float* __restrict__ p = e.t[0];
    const float* __restrict__ g = e.t[1];
    float* __restrict__ m = e.t[2];
    float* __restrict__ v = e.t[3];
    float* __restrict__ vmax = e.t[4];
    float stepSize = e.s[0], rootBc2Inverse = e.s[1], paramScale = e.s[2], gradDecay = e.s[3];
    int start = ((int)blockIdx.x - e.firstBlock) * MULTI_CHUNK;
    int end = min(e.n, start + MULTI_CHUNK);
    bool finite = true;
    for (int i = start + threadIdx.x; i < end; i += blockDim.x) {
        float theta = p[i];
        float d = gradDecay != 0.0f ? __fadd_rn(g[i], __fmul_rn(theta, gradDecay)) : g[i];
        float mi = __fadd_rn(__fmul_rn(m[i], beta1), __fmul_rn(d, oneMinusBeta1));
        float vi = __fadd_rn(__fmul_rn(v[i], beta2), __fmul_rn(__fmul_rn(d, d), oneMinusBeta2));
        m[i] = mi;
        v[i] = vi;
        float second = vi;
        if (amsgrad) {
            second = nan_max(vmax[i], vi);
            vmax[i] = second;
        }
        float denom = __fadd_rn(__fmul_rn(__fsqrt_rn(second), rootBc2Inverse), eps);
        float updated = __fsub_rn(__fmul_rn(theta, paramScale), __fmul_rn(__fdiv_rn(mi, denom), stepSize));
        p[i] = updated;
        finite = finite && is_finite(updated) && is_finite(mi) && is_finite(vi) && is_finite(second);
    }
    if (!finite) *nonFinite = __int_as_float(0x7fc00000);    // a quiet NaN; every writer stores the same: no atomic
}

// v2 sum of squares over many tensors in one launch: block b writes Σ x² over its chunk of its entry's t[0] to
// partials[b]; sum_partials then adds the partials in order. block (256).
extern "C" __global__ void sumsq_multi(int count, const TensorEntry* __restrict__ table, float* __restrict__ partials) {
    __shared__ float scratch[32];
    const TensorEntry& e = entry_of_block(table, count);
    const float* __restrict__ x = e.t[0];
    int start = ((int)blockIdx.x - e.firstBlock) * MULTI_CHUNK;
    int end = min(e.n, start + MULTI_CHUNK);
    float acc = 0.0f;
    for (int i = start + threadIdx.x; i < end; i += blockDim.x) acc += x[i] * x[i];
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// v1 sum of squares, final stage: one block adds the partials in a fixed order; out[0] = (accumulate ? out[0] : 0) + Σ.
// Deterministic, so the gradient norm is the same on every run. grid (1), block (1024).
extern "C" __global__ void sum_partials(int count, const float* __restrict__ partials, float* __restrict__ out,
                                        int accumulate) {
    __shared__ float scratch[32];
    float acc = 0.0f;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) out[0] = (accumulate ? out[0] : 0.0f) + acc;
}
