// reduce.cu: sum or max along one axis of a tensor viewed as (outer, n, inner), the axis kept with size 1.
#include "common.cuh"

enum { R_SUM = 0, R_MAX = 1 };

__device__ __forceinline__ float reduce_init(int op) { return op == R_MAX ? NEG_INF : 0.0f; }

__device__ __forceinline__ float reduce_step(int op, float acc, float v) { return op == R_MAX ? nan_max(acc, v) : acc + v; }

// v1 inner == 1 (the last axis): one block per row, strided partial results, then warp and block reductions.
// grid (rows), block (256).
extern "C" __global__ void reduce_rows_f32(int op, int rows, int n, const float* __restrict__ x, float* __restrict__ out) {
    __shared__ float scratch[32];
    const float* row = x + (offset_t)blockIdx.x * n;
    float acc = reduce_init(op);
    for (int j = threadIdx.x; j < n; j += blockDim.x) acc = reduce_step(op, acc, row[j]);
    acc = op == R_MAX ? block_max(acc, scratch) : block_sum(acc, scratch);
    if (threadIdx.x == 0) out[blockIdx.x] = acc;
}

// v1 inner > 1: threadIdx.x walks 32 adjacent columns (coalesced), threadIdx.y splits the axis 8 ways; the 8 partial
// results are combined through shared memory in a fixed order. grid (outer·⌈inner/32⌉), block (32, 8).
extern "C" __global__ void reduce_cols_f32(int op, int outer, int n, int inner, const float* __restrict__ x,
                                           float* __restrict__ out) {
    __shared__ float part[8][33];
    int colBlocks = (inner + 31) / 32;
    int o = blockIdx.x / colBlocks;
    int col = (blockIdx.x % colBlocks) * 32 + threadIdx.x;
    float acc = reduce_init(op);
    if (col < inner) {
        const float* base = x + (offset_t)o * n * inner + col;
        for (int k = threadIdx.y; k < n; k += blockDim.y) acc = reduce_step(op, acc, base[(offset_t)k * inner]);
    }
    part[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && col < inner) {
        float r = part[0][threadIdx.x];
        for (int k = 1; k < blockDim.y; k++) r = reduce_step(op, r, part[k][threadIdx.x]);
        out[(offset_t)o * inner + col] = r;
    }
}
