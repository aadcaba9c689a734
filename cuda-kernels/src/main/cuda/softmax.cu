// softmax.cu: softmax or log-softmax over the last axis of (rows, c), max-subtracted; and its backward.
// y = e^(x−m) / Σ e^(x−m),  log y = x − m − log Σ e^(x−m),  m = max x.
#include "common.cuh"

__device__ __forceinline__ void softmax_write(const float* x, float* y, int c, int log, float m, float sum,
                                              int start, int step) {
    float logSum = logf(sum), inv = 1.0f / sum;
    for (int j = start; j < c; j += step) y[j] = log ? x[j] - m - logSum : expf(x[j] - m) * inv;
}

// v1 naive: one thread per row, three passes (max, sum, write). grid (⌈rows/256⌉), block (256).
// One thread adds a whole row, so the sum is compensated (Kahan): a plain float sum of a 50,257-wide classifier
// row drifts by up to ~1e-4 relative, which log-softmax passes on as an absolute error; this one stays near 1 ulp.
extern "C" __global__ void softmax_v1(int rows, int c, int log, const float* __restrict__ x, float* __restrict__ y) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const float* xr = x + (offset_t)r * c;
    float m = NEG_INF;
    for (int j = 0; j < c; j++) m = nan_max(m, xr[j]);
    float sum = 0.0f, lost = 0.0f;                      // lost: the low-order part the running sum dropped
    for (int j = 0; j < c; j++) {
        float term = expf(xr[j] - m) - lost;
        float next = sum + term;
        lost = (next - sum) - term;
        sum = next;
    }
    softmax_write(xr, y + (offset_t)r * c, c, log, m, sum, 0, 1);
}

// v2 warp reductions: one block per row, max and sum reduced with shuffles inside warps and across the block.
// grid (rows), block (256).
extern "C" __global__ void softmax_v2(int rows, int c, int log, const float* __restrict__ x, float* __restrict__ y) {
    __shared__ float scratch[32];
    const float* xr = x + (offset_t)blockIdx.x * c;
    float m = NEG_INF;
    for (int j = threadIdx.x; j < c; j += blockDim.x) m = nan_max(m, xr[j]);
    m = block_max(m, scratch);
    float sum = 0.0f;
    for (int j = threadIdx.x; j < c; j += blockDim.x) sum += expf(xr[j] - m);
    sum = block_sum(sum, scratch);
    softmax_write(xr, y + (offset_t)blockIdx.x * c, c, log, m, sum, threadIdx.x, blockDim.x);
}

// v3 online softmax: one pass keeps a running max and a sum rescaled whenever the max grows, so the row is read
// twice instead of three times. grid (rows), block (256).
extern "C" __global__ void softmax_v3(int rows, int c, int log, const float* __restrict__ x, float* __restrict__ y) {
    __shared__ float scratchM[32], scratchS[32];
    const float* xr = x + (offset_t)blockIdx.x * c;
    float m = NEG_INF, sum = 0.0f;
    for (int j = threadIdx.x; j < c; j += blockDim.x) {
        float v = xr[j];
        if (v > m) { sum = sum * expf(m - v) + 1.0f; m = v; }
        else sum += expf(v - m);
    }
    block_online(m, sum, scratchM, scratchS);
    softmax_write(xr, y + (offset_t)blockIdx.x * c, c, log, m, sum, threadIdx.x, blockDim.x);
}

// v1 backward, one block per row. Softmax: dx = y⊙(g − Σ g⊙y). Log-softmax: dx = g − e^y·Σ g. grid (rows), block (256).
extern "C" __global__ void softmax_backward(int rows, int c, int log, const float* __restrict__ y,
                                            const float* __restrict__ g, float* __restrict__ dx) {
    __shared__ float scratch[32];
    offset_t off = (offset_t)blockIdx.x * c;
    float dot = 0.0f;
    for (int j = threadIdx.x; j < c; j += blockDim.x) dot += log ? g[off + j] : g[off + j] * y[off + j];
    dot = block_sum(dot, scratch);
    for (int j = threadIdx.x; j < c; j += blockDim.x)
        dx[off + j] = log ? g[off + j] - expf(y[off + j]) * dot : y[off + j] * (g[off + j] - dot);
}
