// layernorm.cu: layer normalisation over the last axis of (rows, c) and its backward.
// y = γ·(x − μ)·rstd + β,  μ = mean x,  rstd = 1/√(mean (x − μ)² + ε)   (two passes: mean, then variance).
#include "common.cuh"

// One warp normalises row xr (whose sum the lanes hold as partial sums) into yr: μ from the sum, then the variance
// in a second pass over xr, y = (x − μ)·rstd·γ + β; lane 0 stores μ and rstd at `row`.
__device__ __forceinline__ void layernorm_row(int row, int c, float eps, float partialSum, const float* xr,
                                              const float* __restrict__ gamma, const float* __restrict__ beta,
                                              float* yr, float* __restrict__ mean, float* __restrict__ rstd) {
    int lane = threadIdx.x & 31;
    float mu = warp_sum(partialSum) / c;
    float sq = 0.0f;
    for (int j = lane; j < c; j += 32) { float d = xr[j] - mu; sq += d * d; }
    float rs = 1.0f / sqrtf(warp_sum(sq) / c + eps);
    for (int j = lane; j < c; j += 32) yr[j] = (xr[j] - mu) * rs * gamma[j] + beta[j];
    if (lane == 0) { mean[row] = mu; rstd[row] = rs; }
}

// v1 forward, one warp per row: lanes stride the row, warp shuffles reduce; saves μ and rstd for backward.
// grid (⌈rows/8⌉), block (256) = 8 warps.
extern "C" __global__ void layernorm_forward(int rows, int c, float eps, const float* __restrict__ x,
                                             const float* __restrict__ gamma, const float* __restrict__ beta,
                                             float* __restrict__ y, float* __restrict__ mean, float* __restrict__ rstd) {
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;                     // whole warps leave together, so the shuffles stay full
    const float* xr = x + (offset_t)row * c;
    float sum = 0.0f;
    for (int j = lane; j < c; j += 32) sum += xr[j];
    layernorm_row(row, c, eps, sum, xr, gamma, beta, y + (offset_t)row * c, mean, rstd);
}

// v1 residual add fused with the layer norm after it, one warp per row: h = x + a (the new residual stream, written
// once), then y = layernorm(h) as layernorm_forward computes it, reading h back from the lane that wrote it (no
// barrier needed). Reads x and a once instead of h being written by one kernel and read by the next.
// grid (⌈rows/8⌉), block (256).
extern "C" __global__ void residual_layernorm_forward(int rows, int c, float eps, const float* __restrict__ x,
                                                      const float* __restrict__ a, const float* __restrict__ gamma,
                                                      const float* __restrict__ beta, float* h,
                                                      float* __restrict__ y, float* __restrict__ mean,
                                                      float* __restrict__ rstd) {
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    offset_t off = (offset_t)row * c;
    float* hr = h + off;
    float sum = 0.0f;
    for (int j = lane; j < c; j += 32) { float v = x[off + j] + a[off + j]; hr[j] = v; sum += v; }
    layernorm_row(row, c, eps, sum, hr, gamma, beta, y + off, mean, rstd);
}

// v1 backward for dx, one warp per row: dx = rstd·(ĝ − mean ĝ − x̂·mean(ĝ⊙x̂)), ĝ = dy⊙γ, x̂ = (x − μ)·rstd. With
// `accumulate` it adds into dx (dx += ..., the residual stream's gradient: the fused residual add's backward).
// grid (⌈rows/8⌉), block (256).
extern "C" __global__ void layernorm_backward_dx(int rows, int c, const float* __restrict__ dy, const float* __restrict__ x,
                                                 const float* __restrict__ gamma, const float* __restrict__ mean,
                                                 const float* __restrict__ rstd, float* __restrict__ dx, int accumulate) {
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    offset_t off = (offset_t)row * c;
    float mu = mean[row], rs = rstd[row];
    float sumG = 0.0f, sumGx = 0.0f;
    for (int j = lane; j < c; j += 32) {
        float gh = dy[off + j] * gamma[j];
        sumG += gh;
        sumGx += gh * (x[off + j] - mu) * rs;
    }
    float meanG = warp_sum(sumG) / c, meanGx = warp_sum(sumGx) / c;
    for (int j = lane; j < c; j += 32) {
        float xh = (x[off + j] - mu) * rs;
        float d = rs * (dy[off + j] * gamma[j] - meanG - xh * meanGx);
        dx[off + j] = accumulate ? dx[off + j] + d : d;
    }
}

// v1 backward for dγ = Σ_rows dy⊙x̂ and dβ = Σ_rows dy, stage 1: block (32, 8) sums a chunk of rowsPerChunk rows for
// 32 adjacent columns (coalesced); the 8 row-strided partials are combined in a fixed order, no atomics.
// grid (⌈c/32⌉, chunks); writes partial[chunk][col].
extern "C" __global__ void layernorm_backward_params_partial(int rows, int c, int rowsPerChunk, const float* __restrict__ dy,
                                                             const float* __restrict__ x, const float* __restrict__ mean,
                                                             const float* __restrict__ rstd, float* __restrict__ pgamma,
                                                             float* __restrict__ pbeta) {
    __shared__ float sg[8][33], sb[8][33];
    int col = blockIdx.x * 32 + threadIdx.x;
    int r0 = blockIdx.y * rowsPerChunk;
    int r1 = min(rows, r0 + rowsPerChunk);
    float accG = 0.0f, accB = 0.0f;
    if (col < c) {
        for (int r = r0 + threadIdx.y; r < r1; r += blockDim.y) {
            float g = dy[(offset_t)r * c + col];
            accG += g * (x[(offset_t)r * c + col] - mean[r]) * rstd[r];
            accB += g;
        }
    }
    sg[threadIdx.y][threadIdx.x] = accG;
    sb[threadIdx.y][threadIdx.x] = accB;
    __syncthreads();
    if (threadIdx.y == 0 && col < c) {
        for (int k = 1; k < blockDim.y; k++) { accG += sg[k][threadIdx.x]; accB += sb[k][threadIdx.x]; }
        pgamma[(offset_t)blockIdx.y * c + col] = accG;
        pbeta[(offset_t)blockIdx.y * c + col] = accB;
    }
}

// v1 backward for dγ, dβ, stage 2: one thread per column adds the chunks' partials in chunk order.
// grid (⌈c/256⌉), block (256).
extern "C" __global__ void layernorm_backward_params_final(int chunks, int c, const float* __restrict__ pgamma,
                                                           const float* __restrict__ pbeta, float* __restrict__ dgamma,
                                                           float* __restrict__ dbeta) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    if (col >= c) return;
    float g = 0.0f, b = 0.0f;
    for (int k = 0; k < chunks; k++) { g += pgamma[(offset_t)k * c + col]; b += pbeta[(offset_t)k * c + col]; }
    dgamma[col] = g;
    dbeta[col] = b;
}
