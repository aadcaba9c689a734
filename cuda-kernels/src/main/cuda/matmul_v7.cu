// matmul_v7.cu: C = op(A)·op(B), row-major, batched over blockIdx.z with element strides (strideB = 0 shares B),
// where op(X) is X or, with its trans flag, Xᵀ read in place: A is (M, K) or, transposed, stored (K, M); B is
// (K, N) or stored (N, K). Bounds-safe for any M, N, K ≥ 0. Plain fp32 FMA, nothing newer than sm_61.
#include "common.cuh"

// v7 warp tiling, double-buffered shared memory, float4 loads, transposed operands read in place.
// - A block computes a BM×BN tile of C over K in steps of BK; its THREADS = (BM/TM)·(BN/TN) threads each own a TM×TN
//   micro-tile. A warp's 32 threads are 4 rows × 8 columns of micro-tiles, so a warp covers a compact
//   (4·TM)×(8·TN) region; a thread's TM rows are 4-row groups 16 rows apart and its TN columns 4-column groups 32
//   apart, so 8 neighbouring lanes read 32 consecutive floats of a shared row (no bank conflicts) and the shared
//   rows a warp reads are few.
// - Shared memory holds two k-steps: while the block multiplies from one, each thread has already loaded its part of
//   the next step from global memory into registers, and stores it into the other after the products; one barrier
//   per k-step.
// - Loads are float4 along whichever axis is contiguous in memory (K for A, N for B, or M and K when transposed) when
//   rows start 16-byte aligned and the quad is inside the matrix, scalar with zeros outside; shared memory is k-major
//   (As[k][m], Bs[k][n]), so a transposed load scatters a quad across four shared rows instead of one.
// grid (⌈N/BN⌉, ⌈M/BM⌉, batch), block (THREADS).

#define V7_LANE_ROWS 4
#define V7_LANE_COLS 8

template <int BM, int BN, int BK, int TM, int TN>
struct V7Tile {
    static constexpr int THREADS = (BM / TM) * (BN / TN);
    static constexpr int WARP_M = V7_LANE_ROWS * TM, WARP_N = V7_LANE_COLS * TN;   // the region one warp covers
    static constexpr int WARPS_N = BN / WARP_N;
    static constexpr int QUADS_A = BM * BK / 4 / THREADS, QUADS_B = BK * BN / 4 / THREADS;
    static_assert(BM % WARP_M == 0 && BN % WARP_N == 0 && (BM / WARP_M) * WARPS_N * 32 == THREADS,
                  "the warps must tile the block");
    static_assert(TM % 4 == 0 && TN % 4 == 0 && BK % 4 == 0, "micro-tiles and k-steps move float4s");
    static_assert(QUADS_A >= 1 && QUADS_B >= 1 && BM * BK % (4 * THREADS) == 0 && BK * BN % (4 * THREADS) == 0,
                  "every thread loads whole quads of both tiles");
};

// Quad q (< QUADS·THREADS) of the (rows × cols) tile at (r0, c0) of a row-major (R, Cn) matrix, rows of cols/4 quads.
template <int COLS>
__device__ __forceinline__ float4 v7_load(const float* __restrict__ X, int R, int Cn, int r0, int c0, int q, bool vec) {
    int r = q / (COLS / 4), c = (q % (COLS / 4)) * 4;
    return r0 + r < R ? load_quad(X + (offset_t)(r0 + r) * Cn, c0 + c, Cn, vec)
                      : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
}

// Stores quad q into the k-major tile S[BK][LEN]: `across` quads run along LEN (S[k][x..x+3]), otherwise along k
// (S[k..k+3][x], a transposing store).
template <int LEN, int BK>
__device__ __forceinline__ void v7_store(float* S, int q, float4 v, bool across) {
    if (across) {                                                   // tile rows are k, quads along LEN
        int k = q / (LEN / 4), x = (q % (LEN / 4)) * 4;
        *reinterpret_cast<float4*>(&S[k * LEN + x]) = v;
    } else {                                                        // tile rows are LEN, quads along k
        int x = q / (BK / 4), k = (q % (BK / 4)) * 4;
        S[(k + 0) * LEN + x] = v.x;
        S[(k + 1) * LEN + x] = v.y;
        S[(k + 2) * LEN + x] = v.z;
        S[(k + 3) * LEN + x] = v.w;
    }
}

// This thread's quads of the k-step at k0: A's tile is (BM, BK) at (row0, k0) of A, or (BK, BM) at (k0, row0) of the
// stored Aᵀ; B's is (BK, BN) at (k0, col0) of B, or (BN, BK) at (col0, k0) of the stored Bᵀ.
template <int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void v7_fetch(const float* __restrict__ A, const float* __restrict__ B, int M, int N, int K,
                                         int row0, int col0, int k0, int transA, int transB, bool vecA, bool vecB,
                                         float4 (&nextA)[V7Tile<BM, BN, BK, TM, TN>::QUADS_A],
                                         float4 (&nextB)[V7Tile<BM, BN, BK, TM, TN>::QUADS_B]) {
    typedef V7Tile<BM, BN, BK, TM, TN> T;
#pragma unroll
    for (int u = 0; u < T::QUADS_A; u++) {
        int q = threadIdx.x + u * T::THREADS;
        nextA[u] = transA ? v7_load<BM>(A, K, M, k0, row0, q, vecA) : v7_load<BK>(A, M, K, row0, k0, q, vecA);
    }
#pragma unroll
    for (int u = 0; u < T::QUADS_B; u++) {
        int q = threadIdx.x + u * T::THREADS;
        nextB[u] = transB ? v7_load<BK>(B, N, K, col0, k0, q, vecB) : v7_load<BN>(B, K, N, k0, col0, q, vecB);
    }
}

// Stores the fetched quads into one shared buffer (k-major As[k][m], Bs[k][n]).
template <int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void v7_stash(float* As, float* Bs, int transA, int transB,
                                         const float4 (&nextA)[V7Tile<BM, BN, BK, TM, TN>::QUADS_A],
                                         const float4 (&nextB)[V7Tile<BM, BN, BK, TM, TN>::QUADS_B]) {
    typedef V7Tile<BM, BN, BK, TM, TN> T;
#pragma unroll
    for (int u = 0; u < T::QUADS_A; u++) v7_store<BM, BK>(As, threadIdx.x + u * T::THREADS, nextA[u], transA);
#pragma unroll
    for (int u = 0; u < T::QUADS_B; u++) v7_store<BN, BK>(Bs, threadIdx.x + u * T::THREADS, nextB[u], !transB);
}

template <int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void matmul_v7_body(int M, int N, int K, const float* __restrict__ A,
                                               const float* __restrict__ B, float* __restrict__ C, int strideA,
                                               int strideB, int strideC, int transA, int transB) {
    typedef V7Tile<BM, BN, BK, TM, TN> T;
    __shared__ __align__(16) float As[2][BK * BM];
    __shared__ __align__(16) float Bs[2][BK * BN];
    A += (offset_t)blockIdx.z * strideA;
    B += (offset_t)blockIdx.z * strideB;
    C += (offset_t)blockIdx.z * strideC;
    bool aligned = ((unsigned long long)A & 15) == 0 && ((unsigned long long)B & 15) == 0 && (strideA & 3) == 0
                   && (strideB & 3) == 0;
    bool vecA = aligned && ((transA ? M : K) & 3) == 0;
    bool vecB = aligned && ((transB ? K : N) & 3) == 0;
    bool vecC = ((unsigned long long)C & 15) == 0 && (strideC & 3) == 0 && (N & 3) == 0;
    int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    // this thread's micro-tile: rows m0 + 16·i + {0..3}, columns n0 + 32·j + {0..3} (i < TM/4, j < TN/4)
    int m0 = (warp / T::WARPS_N) * T::WARP_M + (lane / V7_LANE_COLS) * 4;
    int n0 = (warp % T::WARPS_N) * T::WARP_N + (lane % V7_LANE_COLS) * 4;
    int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = 0.0f;
    float4 nextA[T::QUADS_A], nextB[T::QUADS_B];
    int steps = (K + BK - 1) / BK;
    if (steps > 0) {
        v7_fetch<BM, BN, BK, TM, TN>(A, B, M, N, K, row0, col0, 0, transA, transB, vecA, vecB, nextA, nextB);
        v7_stash<BM, BN, BK, TM, TN>(As[0], Bs[0], transA, transB, nextA, nextB);
    }
    __syncthreads();
    for (int s = 0; s < steps; s++) {
        int cur = s & 1;
        if (s + 1 < steps)                                          // global loads in flight during the products
            v7_fetch<BM, BN, BK, TM, TN>(A, B, M, N, K, row0, col0, (s + 1) * BK, transA, transB, vecA, vecB, nextA,
                                         nextB);
#pragma unroll
        for (int k = 0; k < BK; k++) {
            float a[TM], b[TN];
#pragma unroll
            for (int i = 0; i < TM; i += 4) {
                float4 v = *reinterpret_cast<const float4*>(&As[cur][k * BM + m0 + 4 * i]);
                a[i] = v.x; a[i + 1] = v.y; a[i + 2] = v.z; a[i + 3] = v.w;
            }
#pragma unroll
            for (int j = 0; j < TN; j += 4) {
                float4 v = *reinterpret_cast<const float4*>(&Bs[cur][k * BN + n0 + 8 * j]);
                b[j] = v.x; b[j + 1] = v.y; b[j + 2] = v.z; b[j + 3] = v.w;
            }
#pragma unroll
            for (int i = 0; i < TM; i++)
#pragma unroll
                for (int j = 0; j < TN; j++) acc[i][j] += a[i] * b[j];
        }
        if (s + 1 < steps)                                          // the other buffer was last read before the
            v7_stash<BM, BN, BK, TM, TN>(As[cur ^ 1], Bs[cur ^ 1], transA, transB, nextA, nextB);   // last barrier
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < TM; i++) {
        int row = row0 + m0 + 4 * (i & ~3) + (i & 3);
        if (row >= M) continue;
        float* crow = C + (offset_t)row * N;
#pragma unroll
        for (int j = 0; j < TN; j += 4) {
            int col = col0 + n0 + 8 * j;
            if (vecC && col + 3 < N) {
                *reinterpret_cast<float4*>(crow + col) = make_float4(acc[i][j], acc[i][j + 1], acc[i][j + 2],
                                                                     acc[i][j + 3]);
            } else {
#pragma unroll
                for (int jj = 0; jj < 4; jj++)
                    if (col + jj < N) crow[col + jj] = acc[i][j + jj];
            }
        }
    }
}

// v7 with 128×128 block tiles (256 threads, 8×8 micro-tiles): for products with enough tiles to fill the GPU.
extern "C" __global__ void __launch_bounds__(256)
matmul_v7_large(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                int strideA, int strideB, int strideC, int transA, int transB) {
    matmul_v7_body<128, 128, 8, 8, 8>(M, N, K, A, B, C, strideA, strideB, strideC, transA, transB);
}

// v7 with 64×64 block tiles (256 threads, 4×4 micro-tiles): four times the blocks of the large tiles, for products
// whose large tiling would leave multiprocessors idle (GPT-2's attention and MLP projections to 768 columns).
extern "C" __global__ void __launch_bounds__(256)
matmul_v7_small(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                int strideA, int strideB, int strideC, int transA, int transB) {
    matmul_v7_body<64, 64, 16, 4, 4>(M, N, K, A, B, C, strideA, strideB, strideC, transA, transB);
}
