// layout.cu: copies that move data between layouts: strided gather (broadcastTo, permute), row blocks
// (slice, concat) and a tiled batched transpose (the last-two-axes permute and the transposed matmul operands).
#include "common.cuh"

// v1 out[i] = x[offset of i under the strides in s.stride[0]]: broadcastTo (stride 0 on broadcast axes) and permute
extern "C" __global__ void gather_f32(int n, Strided s, const float* __restrict__ x, float* __restrict__ out) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        out[i] = x[strided_offset(s, 0, i)];
}

// v1 dst[r·dstStride + dstOffset + j] = src[r·srcStride + srcOffset + j] for r < rows, j < len (slice and concat)
extern "C" __global__ void copy_rows_f32(int rows, int len, int srcStride, int srcOffset, int dstStride,
                                         int dstOffset, const float* __restrict__ src, float* __restrict__ dst) {
    unsigned total = (unsigned)rows * (unsigned)len;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        unsigned r = i / (unsigned)len, j = i % (unsigned)len;
        dst[r * dstStride + dstOffset + j] = src[r * srcStride + srcOffset + j];
    }
}

#define TT 32   // transpose tile side
#define TR 8    // rows of threads: each thread moves TT/TR elements

// v1 out[z][c][r] = x[z][r][c] for a batch of rows×cols matrices: 32×32 tiles through shared memory (padded
// by one column against bank conflicts), so both the read and the write are coalesced.
// grid (⌈cols/32⌉, ⌈rows/32⌉, batch), block (32, 8).
extern "C" __global__ void transpose_f32(int rows, int cols, const float* __restrict__ x, float* __restrict__ out) {
    __shared__ float tile[TT][TT + 1];
    const float* src = x + (offset_t)blockIdx.z * rows * cols;
    float* dst = out + (offset_t)blockIdx.z * rows * cols;
    int c = blockIdx.x * TT + threadIdx.x;
    for (int k = threadIdx.y; k < TT; k += TR) {
        int r = blockIdx.y * TT + k;
        if (r < rows && c < cols) tile[k][threadIdx.x] = src[(offset_t)r * cols + c];
    }
    __syncthreads();
    int r = blockIdx.y * TT + threadIdx.x;
    for (int k = threadIdx.y; k < TT; k += TR) {
        int cc = blockIdx.x * TT + k;
        if (cc < cols && r < rows) dst[(offset_t)cc * rows + r] = tile[threadIdx.x][k];
    }
}
