// crossentropy.cu: per-row cross-entropy of logits (rows, c) against integer targets, with label smoothing ε and
// an ignored target value; and the gradient with respect to the logits, alone or in place of the logits together
// with the loss (the fused head keeps one (N, V) buffer). One block per row; log-sum-exp computed
// with the online max/sum so a 50257-wide row is read once per pass.
#include "common.cuh"

// Row log-sum-exp lse = m + log Σ e^(x−m) and (when wanted) Σ x, reduced across the block.
__device__ __forceinline__ float row_lse(const float* xr, int c, float* sumX, float* sm, float* ss) {
    float m = NEG_INF, s = 0.0f, sx = 0.0f;
    for (int j = threadIdx.x; j < c; j += blockDim.x) {
        float v = xr[j];
        sx += v;
        if (v > m) { s = s * expf(m - v) + 1.0f; m = v; }
        else s += expf(v - m);
    }
    block_online(m, s, sm, ss);
    if (sumX) *sumX = block_sum(sx, sm);
    return m + logf(s);
}

// v1 loss[r] = (1−ε)(lse − x_t) + (ε/C)·Σ_c (lse − x_c); 0 where t == ignore. grid (rows), block (256).
extern "C" __global__ void crossentropy_forward(int rows, int c, int ignore, float smoothing,
                                                const float* __restrict__ logits, const int* __restrict__ targets,
                                                float* __restrict__ loss) {
    __shared__ float sm[32], ss[32];
    int t = targets[blockIdx.x];
    if (t == ignore) {                           // uniform across the block: no thread reaches a barrier
        if (threadIdx.x == 0) loss[blockIdx.x] = 0.0f;
        return;
    }
    const float* xr = logits + (offset_t)blockIdx.x * c;
    float sumX = 0.0f;
    float lse = row_lse(xr, c, &sumX, sm, ss);
    if (threadIdx.x == 0)
        loss[blockIdx.x] = (1.0f - smoothing) * (lse - xr[t]) + smoothing / c * (c * lse - sumX);
}

// v1 dlogits[r][j] = g_r·(e^(x_j − lse) − (ε/C + (1−ε)·[j == t])); zero rows where t == ignore. grid (rows), block (256).
extern "C" __global__ void crossentropy_backward(int rows, int c, int ignore, float smoothing,
                                                 const float* __restrict__ logits, const int* __restrict__ targets,
                                                 const float* __restrict__ rowGrad, float* __restrict__ dlogits) {
    __shared__ float sm[32], ss[32];
    int t = targets[blockIdx.x];
    const float* xr = logits + (offset_t)blockIdx.x * c;
    float* dr = dlogits + (offset_t)blockIdx.x * c;
    if (t == ignore) {
        for (int j = threadIdx.x; j < c; j += blockDim.x) dr[j] = 0.0f;
        return;
    }
    float lse = row_lse(xr, c, 0, sm, ss);
    float g = rowGrad[blockIdx.x], base = smoothing / c;
    for (int j = threadIdx.x; j < c; j += blockDim.x)
        dr[j] = g * (expf(xr[j] - lse) - (j == t ? base + 1.0f - smoothing : base));
}

// v1 in place: loss[r] = lse − x_t, then logits[r][j] = e^(x_j − lse) − [j == t]; loss 0 and a zero row where
// t == ignore. x_t is read before the reductions, whose barriers order it before any thread overwrites the row.
// grid (rows), block (256).
extern "C" __global__ void crossentropy_inplace(int rows, int c, int ignore, float* __restrict__ logits,
                                                const int* __restrict__ targets, float* __restrict__ loss) {
    __shared__ float sm[32], ss[32];
    int t = targets[blockIdx.x];
    float* xr = logits + (offset_t)blockIdx.x * c;
    if (t == ignore) {
        for (int j = threadIdx.x; j < c; j += blockDim.x) xr[j] = 0.0f;
        if (threadIdx.x == 0) loss[blockIdx.x] = 0.0f;
        return;
    }
    float picked = xr[t];
    float lse = row_lse(xr, c, 0, sm, ss);
    if (threadIdx.x == 0) loss[blockIdx.x] = lse - picked;
    for (int j = threadIdx.x; j < c; j += blockDim.x)
        xr[j] = expf(xr[j] - lse) - (j == t ? 1.0f : 0.0f);
}
