// matmul.cu: C = A·B for row-major A (M, K), B (K, N), C (M, N), batched over blockIdx.z with element strides
// (strideB = 0 shares one B across the batch). Every version is bounds-safe for any M, N, K ≥ 0 (out-of-range
// tile elements load as 0 and are never stored). Tile sizes are macros so the benchmark can compile variants.
// The ladder follows the usual SGEMM progression; all of it is plain fp32 FMA (no tensor cores: valid on sm_61).
#include "common.cuh"

#define BATCH_OFFSETS                                  \
    A += (offset_t)blockIdx.z * strideA;                 \
    B += (offset_t)blockIdx.z * strideB;                 \
    C += (offset_t)blockIdx.z * strideC;

#ifndef V1_BS
#define V1_BS 16
#endif
// v1 naive: one thread per output; neighbouring threads take neighbouring ROWS, so the reads of A and the writes of
// C are strided by K and N (uncoalesced). grid (⌈M/BS⌉, ⌈N/BS⌉, batch), block (BS, BS).
extern "C" __global__ void __launch_bounds__(V1_BS * V1_BS)
matmul_v1(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int strideA, int strideB, int strideC) {
    BATCH_OFFSETS
    int row = blockIdx.x * V1_BS + threadIdx.x;
    int col = blockIdx.y * V1_BS + threadIdx.y;
    if (row >= M || col >= N) return;
    float acc = 0.0f;
    for (int k = 0; k < K; k++) acc += A[row * K + k] * B[k * N + col];
    C[row * N + col] = acc;
}

#ifndef V2_BS
#define V2_BS 16
#endif
// v2 coalesced: neighbouring threads take neighbouring COLUMNS, so a warp reads one row of B and writes one row of C
// in single transactions and A's element is broadcast. grid (⌈N/BS⌉, ⌈M/BS⌉, batch), block (BS, BS).
extern "C" __global__ void __launch_bounds__(V2_BS * V2_BS)
matmul_v2(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int strideA, int strideB, int strideC) {
    BATCH_OFFSETS
    int col = blockIdx.x * V2_BS + threadIdx.x;
    int row = blockIdx.y * V2_BS + threadIdx.y;
    if (row >= M || col >= N) return;
    float acc = 0.0f;
    for (int k = 0; k < K; k++) acc += A[row * K + k] * B[k * N + col];
    C[row * N + col] = acc;
}

#ifndef V3_TILE
#define V3_TILE 32
#endif
// v3 shared-memory tiles: the block stages a TILE×TILE tile of A and of B in shared memory, so each global element
// is read once per block instead of once per thread. grid (⌈N/T⌉, ⌈M/T⌉, batch), block (T, T).
extern "C" __global__ void __launch_bounds__(V3_TILE * V3_TILE)
matmul_v3(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int strideA, int strideB, int strideC) {
    __shared__ float As[V3_TILE][V3_TILE];
    __shared__ float Bs[V3_TILE][V3_TILE];
    BATCH_OFFSETS
    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * V3_TILE + ty, col = blockIdx.x * V3_TILE + tx;
    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += V3_TILE) {
        As[ty][tx] = (row < M && k0 + tx < K) ? A[row * K + k0 + tx] : 0.0f;
        Bs[ty][tx] = (k0 + ty < K && col < N) ? B[(k0 + ty) * N + col] : 0.0f;
        __syncthreads();
#pragma unroll
        for (int k = 0; k < V3_TILE; k++) acc += As[ty][k] * Bs[k][tx];
        __syncthreads();
    }
    if (row < M && col < N) C[row * N + col] = acc;
}

#ifndef V4_BM
#define V4_BM 64
#endif
#ifndef V4_BN
#define V4_BN 64
#endif
#ifndef V4_BK
#define V4_BK 8
#endif
#ifndef V4_TM
#define V4_TM 8
#endif
#define V4_NT (V4_BM * V4_BN / V4_TM)
// v4 1-D register blocking: each thread computes TM outputs of one column, reusing every B value it reads from
// shared memory TM times. grid (⌈N/BN⌉, ⌈M/BM⌉, batch), block (BM·BN/TM).
extern "C" __global__ void __launch_bounds__(V4_NT)
matmul_v4(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int strideA, int strideB, int strideC) {
    __shared__ float As[V4_BM * V4_BK];
    __shared__ float Bs[V4_BK * V4_BN];
    BATCH_OFFSETS
    int tid = threadIdx.x;
    int threadCol = tid % V4_BN, threadRow = tid / V4_BN;
    int row0 = blockIdx.y * V4_BM, col0 = blockIdx.x * V4_BN;
    float acc[V4_TM];
#pragma unroll
    for (int i = 0; i < V4_TM; i++) acc[i] = 0.0f;
    for (int k0 = 0; k0 < K; k0 += V4_BK) {
        for (int i = tid; i < V4_BM * V4_BK; i += V4_NT) {
            int r = row0 + i / V4_BK, c = k0 + i % V4_BK;
            As[i] = (r < M && c < K) ? A[r * K + c] : 0.0f;
        }
        for (int i = tid; i < V4_BK * V4_BN; i += V4_NT) {
            int r = k0 + i / V4_BN, c = col0 + i % V4_BN;
            Bs[i] = (r < K && c < N) ? B[r * N + c] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < V4_BK; k++) {
            float b = Bs[k * V4_BN + threadCol];
#pragma unroll
            for (int i = 0; i < V4_TM; i++) acc[i] += As[(threadRow * V4_TM + i) * V4_BK + k] * b;
        }
        __syncthreads();
    }
    int col = col0 + threadCol;
#pragma unroll
    for (int i = 0; i < V4_TM; i++) {
        int row = row0 + threadRow * V4_TM + i;
        if (row < M && col < N) C[row * N + col] = acc[i];
    }
}

#ifndef V5_BM
#define V5_BM 128
#endif
#ifndef V5_BN
#define V5_BN 128
#endif
#ifndef V5_BK
#define V5_BK 8
#endif
#ifndef V5_TM
#define V5_TM 8
#endif
#ifndef V5_TN
#define V5_TN 8
#endif
#define V5_NT ((V5_BM / V5_TM) * (V5_BN / V5_TN))
// v5 2-D register blocking: each thread computes a TM×TN block as outer products of a column of A's tile (stored
// transposed in shared memory) and a row of B's tile held in registers. grid (⌈N/BN⌉, ⌈M/BM⌉, batch), block (NT).
extern "C" __global__ void __launch_bounds__(V5_NT)
matmul_v5(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int strideA, int strideB, int strideC) {
    __shared__ float As[V5_BK * V5_BM];
    __shared__ float Bs[V5_BK * V5_BN];
    BATCH_OFFSETS
    int tid = threadIdx.x;
    int threadCol = tid % (V5_BN / V5_TN), threadRow = tid / (V5_BN / V5_TN);
    int row0 = blockIdx.y * V5_BM, col0 = blockIdx.x * V5_BN;
    float acc[V5_TM][V5_TN], regM[V5_TM], regN[V5_TN];
#pragma unroll
    for (int i = 0; i < V5_TM; i++)
#pragma unroll
        for (int j = 0; j < V5_TN; j++) acc[i][j] = 0.0f;
    for (int k0 = 0; k0 < K; k0 += V5_BK) {
        for (int i = tid; i < V5_BM * V5_BK; i += V5_NT) {
            int r = i / V5_BK, c = i % V5_BK;
            As[c * V5_BM + r] = (row0 + r < M && k0 + c < K) ? A[(row0 + r) * K + k0 + c] : 0.0f;
        }
        for (int i = tid; i < V5_BK * V5_BN; i += V5_NT) {
            int r = k0 + i / V5_BN, c = col0 + i % V5_BN;
            Bs[i] = (r < K && c < N) ? B[r * N + c] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < V5_BK; k++) {
#pragma unroll
            for (int i = 0; i < V5_TM; i++) regM[i] = As[k * V5_BM + threadRow * V5_TM + i];
#pragma unroll
            for (int j = 0; j < V5_TN; j++) regN[j] = Bs[k * V5_BN + threadCol * V5_TN + j];
#pragma unroll
            for (int i = 0; i < V5_TM; i++)
#pragma unroll
                for (int j = 0; j < V5_TN; j++) acc[i][j] += regM[i] * regN[j];
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < V5_TM; i++) {
        int row = row0 + threadRow * V5_TM + i;
#pragma unroll
        for (int j = 0; j < V5_TN; j++) {
            int col = col0 + threadCol * V5_TN + j;
            if (row < M && col < N) C[row * N + col] = acc[i][j];
        }
    }
}

#ifndef V6_BM
#define V6_BM 128
#endif
#ifndef V6_BN
#define V6_BN 128
#endif
#ifndef V6_BK
#define V6_BK 8
#endif
#ifndef V6_TM
#define V6_TM 8
#endif
#ifndef V6_TN
#define V6_TN 8
#endif
#define V6_NT ((V6_BM / V6_TM) * (V6_BN / V6_TN))
static_assert(V6_BK % 4 == 0 && V6_BN % 4 == 0 && V6_BM % 4 == 0 && V6_TM % 4 == 0 && V6_TN % 4 == 0,
              "matmul_v6 moves float4s: BK, BN, BM, TM and TN must be multiples of 4");

// v6 vectorized: v5's tiling with float4 (16-byte) global loads and stores and float4 shared-memory reads, which
// quarters the load instructions. Quads are used only where every row starts 16-byte aligned (K, N and the batch
// strides multiples of 4, base pointers 16-byte aligned as every allocation is) and the quad lies inside the matrix;
// elsewhere the same tile is filled with bounds-checked scalar loads. grid (⌈N/BN⌉, ⌈M/BM⌉, batch), block (NT).
extern "C" __global__ void __launch_bounds__(V6_NT)
matmul_v6(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          int strideA, int strideB, int strideC) {
    __shared__ __align__(16) float As[V6_BK * V6_BM];
    __shared__ __align__(16) float Bs[V6_BK * V6_BN];
    BATCH_OFFSETS
    bool vecA = (K & 3) == 0 && (strideA & 3) == 0;
    bool vecB = (N & 3) == 0 && (strideB & 3) == 0;
    bool vecC = (N & 3) == 0 && (strideC & 3) == 0;
    int tid = threadIdx.x;
    int threadCol = tid % (V6_BN / V6_TN), threadRow = tid / (V6_BN / V6_TN);
    int row0 = blockIdx.y * V6_BM, col0 = blockIdx.x * V6_BN;
    float acc[V6_TM][V6_TN], regM[V6_TM], regN[V6_TN];
#pragma unroll
    for (int i = 0; i < V6_TM; i++)
#pragma unroll
        for (int j = 0; j < V6_TN; j++) acc[i][j] = 0.0f;
    for (int k0 = 0; k0 < K; k0 += V6_BK) {
        for (int q = tid; q < V6_BM * V6_BK / 4; q += V6_NT) {
            int r = q / (V6_BK / 4), c = (q % (V6_BK / 4)) * 4;
            float4 v = row0 + r < M ? load_quad(A + (offset_t)(row0 + r) * K, k0 + c, K, vecA)
                                    : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            As[(c + 0) * V6_BM + r] = v.x;
            As[(c + 1) * V6_BM + r] = v.y;
            As[(c + 2) * V6_BM + r] = v.z;
            As[(c + 3) * V6_BM + r] = v.w;
        }
        for (int q = tid; q < V6_BK * V6_BN / 4; q += V6_NT) {
            int r = q / (V6_BN / 4), c = (q % (V6_BN / 4)) * 4;
            float4 v = k0 + r < K ? load_quad(B + (offset_t)(k0 + r) * N, col0 + c, N, vecB)
                                  : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            *reinterpret_cast<float4*>(&Bs[r * V6_BN + c]) = v;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < V6_BK; k++) {
#pragma unroll
            for (int i = 0; i < V6_TM; i += 4) {
                float4 a = *reinterpret_cast<const float4*>(&As[k * V6_BM + threadRow * V6_TM + i]);
                regM[i] = a.x; regM[i + 1] = a.y; regM[i + 2] = a.z; regM[i + 3] = a.w;
            }
#pragma unroll
            for (int j = 0; j < V6_TN; j += 4) {
                float4 b = *reinterpret_cast<const float4*>(&Bs[k * V6_BN + threadCol * V6_TN + j]);
                regN[j] = b.x; regN[j + 1] = b.y; regN[j + 2] = b.z; regN[j + 3] = b.w;
            }
#pragma unroll
            for (int i = 0; i < V6_TM; i++)
#pragma unroll
                for (int j = 0; j < V6_TN; j++) acc[i][j] += regM[i] * regN[j];
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < V6_TM; i++) {
        int row = row0 + threadRow * V6_TM + i;
        if (row >= M) continue;
        float* crow = C + (offset_t)row * N;
#pragma unroll
        for (int j = 0; j < V6_TN; j += 4) {
            int col = col0 + threadCol * V6_TN + j;
            if (vecC && col + 3 < N) {
                *reinterpret_cast<float4*>(crow + col) = make_float4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]);
            } else {
#pragma unroll
                for (int jj = 0; jj < 4; jj++)
                    if (col + jj < N) crow[col + jj] = acc[i][j + jj];
            }
        }
    }
}
