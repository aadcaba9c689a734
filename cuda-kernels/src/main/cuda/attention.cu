// attention.cu: fused causal self-attention on qkv (B, T, 3C) = [q | k | v] and its backward, keeping no T×T matrix.
// Per (b, h), hs = C/heads, scale = 1/√hs:  lse_t = log Σ_{s≤t} exp(q_t·k_s·scale),  out_t = Σ_{s≤t} p_ts·v_s,
// p_ts = exp(q_t·k_s·scale − lse_t). Head h of q, k, v is channels h·hs.. of each third; out (B, T, C) puts head h at
// channels h·hs..; lse is (B, heads, T). Rows are numbered (b·heads + h)·T + t, one warp per row: lane j owns the
// channels d = j + 32·i of the row's accumulators, and keys (or queries) are taken 32 at a time, one per lane,
// each lane computing its own full dot products. No atomics: every output element is written by one lane.
// v1 reads k and v rows from global memory for every row; v2 (below) shares tiles of them through shared memory.
#include "common.cuh"

#define ATT_MAX_HS 128
#define ATT_PER_LANE (ATT_MAX_HS / 32)

// Where one warp's row lives: batch b, head h and position pos of a row numbered (b·heads + h)·T + pos.
struct AttRow {
    int b, h, pos;
    offset_t qkvStride;   // 3C, between positions of qkv
    int c;
};

__device__ __forceinline__ AttRow att_row(int row, int T, int heads, int hs) {
    AttRow r;
    r.pos = row % T;
    int bh = row / T;
    r.h = bh % heads;
    r.b = bh / heads;
    r.c = heads * hs;
    r.qkvStride = 3 * (offset_t)r.c;
    return r;
}

// Head h of part (0 q, 1 k, 2 v) at position 0 of batch b; position s is `s · qkvStride` further.
__device__ __forceinline__ const float* att_part(const float* qkv, const AttRow& r, int T, int hs, int part) {
    return qkv + (offset_t)r.b * T * r.qkvStride + (offset_t)part * r.c + (offset_t)r.h * hs;
}

// Head h at position 0 of batch b in a (B, T, C) tensor; position s is `s · C` further.
__device__ __forceinline__ offset_t att_merged(const AttRow& r, int T, int hs) {
    return (offset_t)r.b * T * r.c + (offset_t)r.h * hs;
}

__device__ __forceinline__ float att_dot(const float* x, const float* y, int hs) {
    float sum = 0.0f;
    for (int d = 0; d < hs; d++) sum += x[d] * y[d];
    return sum;
}

// v1 forward, one warp per query row t: online softmax over keys 0..t in chunks of 32 (lane j scores key s0 + j).
// Per chunk: M = max(m, chunk scores), the accumulators and each lane's partial sum l scaled by e^(m − M), then
// acc_d += Σ_j p_j·v_{s0+j,d} with p_j = e^(score_j − M) broadcast by shuffles. out = acc / Σ_lanes l, lse = m + log Σ l.
// grid (⌈rows/8⌉), block (256) = 8 warps; hs ≤ ATT_MAX_HS.
extern "C" __global__ void attention_forward(int rows, int T, int heads, int hs, float scale,
                                             const float* __restrict__ qkv, float* __restrict__ out,
                                             float* __restrict__ lse) {
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;                     // whole warps leave together, so the shuffles stay full
    AttRow r = att_row(row, T, heads, hs);
    const float* q = att_part(qkv, r, T, hs, 0) + r.pos * r.qkvStride;
    const float* k = att_part(qkv, r, T, hs, 1);
    const float* v = att_part(qkv, r, T, hs, 2);
    float m = NEG_INF, l = 0.0f;
    float acc[ATT_PER_LANE];
#pragma unroll
    for (int i = 0; i < ATT_PER_LANE; i++) acc[i] = 0.0f;
    for (int s0 = 0; s0 <= r.pos; s0 += 32) {
        int n = min(32, r.pos + 1 - s0);
        float score = lane < n ? scale * att_dot(q, k + (s0 + lane) * r.qkvStride, hs) : NEG_INF;
        float mNew = nan_max(m, warp_max(score));
        float rescale = expf(m - mNew);
        float p = lane < n ? expf(score - mNew) : 0.0f;
        l = l * rescale + p;
#pragma unroll
        for (int i = 0; i < ATT_PER_LANE; i++) acc[i] *= rescale;
        for (int j = 0; j < n; j++) {
            float pj = __shfl_sync(FULL_MASK, p, j);
            const float* vj = v + (s0 + j) * r.qkvStride;
#pragma unroll
            for (int i = 0; i < ATT_PER_LANE; i++) {
                int d = lane + 32 * i;
                if (d < hs) acc[i] += pj * vj[d];
            }
        }
        m = mNew;
    }
    float sum = warp_sum(l);
    float inv = 1.0f / sum;
    float* o = out + att_merged(r, T, hs) + (offset_t)r.pos * r.c;
#pragma unroll
    for (int i = 0; i < ATT_PER_LANE; i++) {
        int d = lane + 32 * i;
        if (d < hs) o[d] = acc[i] * inv;
    }
    if (lane == 0) lse[row] = m + logf(sum);
}

// v1 backward for dq, one warp per query row t; also writes D_t = dout_t·out_t to delta for attention_backward_dkv.
// Keys 0..t in chunks of 32, lane j recomputing p = e^(q_t·k_s·scale − lse_t) and ds = p·(dout_t·v_s − D_t) for
// s = s0 + j; then dq_d += Σ_j ds_j·k_{s0+j,d}, and dq = scale·dq. grid (⌈rows/8⌉), block (256).
extern "C" __global__ void attention_backward_dq(int rows, int T, int heads, int hs, float scale,
                                                 const float* __restrict__ qkv, const float* __restrict__ out,
                                                 const float* __restrict__ lse, const float* __restrict__ dout,
                                                 float* __restrict__ delta, float* __restrict__ dqkv) {
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    AttRow r = att_row(row, T, heads, hs);
    const float* q = att_part(qkv, r, T, hs, 0) + r.pos * r.qkvStride;
    const float* k = att_part(qkv, r, T, hs, 1);
    const float* v = att_part(qkv, r, T, hs, 2);
    offset_t merged = att_merged(r, T, hs) + (offset_t)r.pos * r.c;
    const float* g = dout + merged;
    const float* o = out + merged;
    float part = 0.0f;
    for (int d = lane; d < hs; d += 32) part += g[d] * o[d];
    float D = warp_sum(part);
    if (lane == 0) delta[row] = D;
    float rowLse = lse[row];
    float acc[ATT_PER_LANE];
#pragma unroll
    for (int i = 0; i < ATT_PER_LANE; i++) acc[i] = 0.0f;
    for (int s0 = 0; s0 <= r.pos; s0 += 32) {
        int n = min(32, r.pos + 1 - s0);
        float ds = 0.0f;
        if (lane < n) {
            offset_t s = (offset_t)(s0 + lane) * r.qkvStride;
            float p = expf(scale * att_dot(q, k + s, hs) - rowLse);
            ds = p * (att_dot(g, v + s, hs) - D);
        }
        for (int j = 0; j < n; j++) {
            float dsj = __shfl_sync(FULL_MASK, ds, j);
            const float* kj = k + (s0 + j) * r.qkvStride;
#pragma unroll
            for (int i = 0; i < ATT_PER_LANE; i++) {
                int d = lane + 32 * i;
                if (d < hs) acc[i] += dsj * kj[d];
            }
        }
    }
    float* dq = dqkv + (offset_t)r.b * T * r.qkvStride + (offset_t)r.pos * r.qkvStride + (offset_t)r.h * hs;
#pragma unroll
    for (int i = 0; i < ATT_PER_LANE; i++) {
        int d = lane + 32 * i;
        if (d < hs) dq[d] = scale * acc[i];
    }
}

// v1 backward for dk and dv, one warp per key row s, after attention_backward_dq has written delta. Queries s..T−1 in
// chunks of 32, lane j recomputing p and ds for t = t0 + j; then dv_d += Σ_j p_j·dout_{t,d}, dk_d += Σ_j ds_j·q_{t,d},
// and dk = scale·dk. grid (⌈rows/8⌉), block (256).
extern "C" __global__ void attention_backward_dkv(int rows, int T, int heads, int hs, float scale,
                                                  const float* __restrict__ qkv, const float* __restrict__ lse,
                                                  const float* __restrict__ dout, const float* __restrict__ delta,
                                                  float* __restrict__ dqkv) {
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;
    AttRow r = att_row(row, T, heads, hs);
    const float* q = att_part(qkv, r, T, hs, 0);
    const float* ks = att_part(qkv, r, T, hs, 1) + r.pos * r.qkvStride;
    const float* vs = att_part(qkv, r, T, hs, 2) + r.pos * r.qkvStride;
    const float* g = dout + att_merged(r, T, hs);
    const float* rowLse = lse + (row - r.pos);   // lse and delta of position 0 of this (b, h)
    const float* rowDelta = delta + (row - r.pos);
    float dk[ATT_PER_LANE], dv[ATT_PER_LANE];
#pragma unroll
    for (int i = 0; i < ATT_PER_LANE; i++) { dk[i] = 0.0f; dv[i] = 0.0f; }
    for (int t0 = r.pos; t0 < T; t0 += 32) {
        int n = min(32, T - t0);
        float p = 0.0f, ds = 0.0f;
        if (lane < n) {
            int t = t0 + lane;
            p = expf(scale * att_dot(q + t * r.qkvStride, ks, hs) - rowLse[t]);
            ds = p * (att_dot(g + (offset_t)t * r.c, vs, hs) - rowDelta[t]);
        }
        for (int j = 0; j < n; j++) {
            float pj = __shfl_sync(FULL_MASK, p, j);
            float dsj = __shfl_sync(FULL_MASK, ds, j);
            const float* qj = q + (t0 + j) * r.qkvStride;
            const float* gj = g + (offset_t)(t0 + j) * r.c;
#pragma unroll
            for (int i = 0; i < ATT_PER_LANE; i++) {
                int d = lane + 32 * i;
                if (d < hs) { dv[i] += pj * gj[d]; dk[i] += dsj * qj[d]; }
            }
        }
    }
    float* dks = dqkv + (ks - qkv);
    float* dvs = dqkv + (vs - qkv);
#pragma unroll
    for (int i = 0; i < ATT_PER_LANE; i++) {
        int d = lane + 32 * i;
        if (d < hs) { dks[d] = scale * dk[i]; dvs[d] = dv[i]; }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// v2 tiled through shared memory, flash-attention style: a block takes a tile of rows of one (b, h) and walks the
// other side in tiles of ATT2_TILE rows loaded into shared memory once for the whole block, so every k and v row is
// read from global memory once per block instead of once per row (v1). The arithmetic is v1's (a warp per row, lane
// j taking the tile's j-th key or query, online softmax, probabilities recomputed from lse in backward), still no
// T×T buffer and no atomics. Each warp keeps ROWS rows at a time and reads a shared element once for all of them.
// HS is the largest head size a variant serves (64 or 128: registers and shared arrays are sized by it); rows of
// the shared tiles that lanes read across are padded to HS + 1 floats, so 32 lanes hit 32 different banks.
// grid (⌈T/rows per block⌉, B·heads), block (128) = 4 warps.
#define ATT2_WARPS 4
#define ATT2_TILE 32

// The start of head h of batch b in qkv (part 0 q, 1 k, 2 v) and in a (B, T, C) tensor, for the block's (b, h).
struct Att2Head {
    const float* q;
    const float* k;
    const float* v;
    offset_t merged;      // head h at position 0 of batch b in (B, T, C)
    offset_t stride;      // 3C between positions of qkv
    int c;
};

__device__ __forceinline__ Att2Head att2_head(const float* qkv, int T, int heads, int hs) {
    Att2Head a;
    int b = blockIdx.y / heads, h = blockIdx.y % heads;
    a.c = heads * hs;
    a.stride = 3 * (offset_t)a.c;
    a.q = qkv + (offset_t)b * T * a.stride + (offset_t)h * hs;
    a.k = a.q + a.c;
    a.v = a.q + 2 * a.c;
    a.merged = (offset_t)b * T * a.c + (offset_t)h * hs;
    return a;
}

// rows × hs of `src` (row r at src + r·stride, rows from `first`, zeros past T) into dst with row pitch PITCH.
template <int PITCH>
__device__ __forceinline__ void att2_load(float* dst, const float* src, offset_t stride, int first, int rows, int T,
                                          int hs) {
    for (int i = threadIdx.x; i < rows * hs; i += blockDim.x) {
        int r = i / hs, d = i % hs;
        dst[r * PITCH + d] = first + r < T ? src[(offset_t)(first + r) * stride + d] : 0.0f;
    }
}

// v2 forward: a block owns ATT2_WARPS·ROWS query rows, warp w rows t0 + w·ROWS + i. For each key tile s0 up to its
// last query: scores of lane j's key for all the warp's rows, the online-softmax update of v1 per row, and
// acc_i += Σ_j p_ij·v_j with v_j read once for every row.
template <int HS, int ROWS>
__device__ __forceinline__ void attention_forward_v2(int T, int heads, int hs, float scale, const float* __restrict__ qkv,
                                                     float* __restrict__ out, float* __restrict__ lse) {
    constexpr int BQ = ATT2_WARPS * ROWS, PER_LANE = HS / 32;
    __shared__ float Qs[BQ * HS];
    __shared__ float Ks[ATT2_TILE * (HS + 1)];
    __shared__ float Vs[ATT2_TILE * HS];
    Att2Head a = att2_head(qkv, T, heads, hs);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int t0 = blockIdx.x * BQ, first = t0 + warp * ROWS;        // this warp's rows: first .. first + ROWS − 1
    att2_load<HS>(Qs, a.q, a.stride, t0, BQ, T, hs);
    float m[ROWS], l[ROWS], acc[ROWS][PER_LANE];
#pragma unroll
    for (int i = 0; i < ROWS; i++) {
        m[i] = NEG_INF;
        l[i] = 0.0f;
#pragma unroll
        for (int c = 0; c < PER_LANE; c++) acc[i][c] = 0.0f;
    }
    int last = min(T, t0 + BQ) - 1;                             // the block's last query: keys 0..last are needed
    for (int s0 = 0; s0 <= last; s0 += ATT2_TILE) {
        __syncthreads();                                        // the previous tile is no longer read
        att2_load<HS + 1>(Ks, a.k, a.stride, s0, ATT2_TILE, T, hs);
        att2_load<HS>(Vs, a.v, a.stride, s0, ATT2_TILE, T, hs);
        __syncthreads();
        if (first > last || first + ROWS - 1 < s0) continue;   // whole warp: no row of it sees this tile
        float score[ROWS];
#pragma unroll
        for (int i = 0; i < ROWS; i++) score[i] = 0.0f;
        for (int d = 0; d < hs; d++) {
            float kd = Ks[lane * (HS + 1) + d];
#pragma unroll
            for (int i = 0; i < ROWS; i++) score[i] += Qs[(warp * ROWS + i) * HS + d] * kd;
        }
        float p[ROWS];
        int keys = 0;                                           // keys of this tile the warp's last row sees
#pragma unroll
        for (int i = 0; i < ROWS; i++) {
            int t = first + i;
            int n = t <= last ? min(ATT2_TILE, t + 1 - s0) : 0; // causal: keys s0 .. t
            keys = max(keys, n);
            float s = lane < n ? scale * score[i] : NEG_INF;
            float mNew = nan_max(m[i], warp_max(s));
            float rescale = mNew == NEG_INF ? 1.0f : expf(m[i] - mNew);
            p[i] = lane < n ? expf(s - mNew) : 0.0f;
            l[i] = l[i] * rescale + p[i];
#pragma unroll
            for (int c = 0; c < PER_LANE; c++) acc[i][c] *= rescale;
            m[i] = mNew;
        }
        for (int j = 0; j < keys; j++) {
            float pj[ROWS];
#pragma unroll
            for (int i = 0; i < ROWS; i++) pj[i] = __shfl_sync(FULL_MASK, p[i], j);
#pragma unroll
            for (int c = 0; c < PER_LANE; c++) {
                int d = lane + 32 * c;
                float vd = d < hs ? Vs[j * HS + d] : 0.0f;
#pragma unroll
                for (int i = 0; i < ROWS; i++) acc[i][c] += pj[i] * vd;
            }
        }
    }
#pragma unroll
    for (int i = 0; i < ROWS; i++) {
        int t = first + i;
        float sum = warp_sum(l[i]);
        if (t >= T) continue;
        float inv = 1.0f / sum;
        float* o = out + a.merged + (offset_t)t * a.c;
#pragma unroll
        for (int c = 0; c < PER_LANE; c++) {
            int d = lane + 32 * c;
            if (d < hs) o[d] = acc[i][c] * inv;
        }
        if (lane == 0) lse[(offset_t)blockIdx.y * T + t] = m[i] + logf(sum);
    }
}

// v2 backward for dq (and delta_t = dout_t·out_t, for the dk/dv kernel): the forward's tiling, with dout rows beside
// the query rows and v rows padded too, since lane j reads v_j across for dp_j = dout_t·v_j. Per key tile:
// p = e^(q_t·k_j·scale − lse_t), ds = p·(dp − D_t), dq_t += Σ_j ds_j·k_j; dq = scale·dq.
template <int HS, int ROWS>
__device__ __forceinline__ void attention_backward_dq_v2(int T, int heads, int hs, float scale,
                                                         const float* __restrict__ qkv, const float* __restrict__ out,
                                                         const float* __restrict__ lse, const float* __restrict__ dout,
                                                         float* __restrict__ delta, float* __restrict__ dqkv) {
    constexpr int BQ = ATT2_WARPS * ROWS, PER_LANE = HS / 32;
    __shared__ float Qs[BQ * HS];
    __shared__ float Gs[BQ * HS];
    __shared__ float Ks[ATT2_TILE * (HS + 1)];
    __shared__ float Vs[ATT2_TILE * (HS + 1)];
    Att2Head a = att2_head(qkv, T, heads, hs);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int t0 = blockIdx.x * BQ, first = t0 + warp * ROWS;
    att2_load<HS>(Qs, a.q, a.stride, t0, BQ, T, hs);
    att2_load<HS>(Gs, dout + a.merged, a.c, t0, BQ, T, hs);
    int last = min(T, t0 + BQ) - 1;
    float D[ROWS], rowLse[ROWS], acc[ROWS][PER_LANE];
#pragma unroll
    for (int i = 0; i < ROWS; i++) {
        int t = first + i;
        float part = 0.0f;
        if (t < T) {
            const float* g = dout + a.merged + (offset_t)t * a.c;
            const float* o = out + a.merged + (offset_t)t * a.c;
            for (int d = lane; d < hs; d += 32) part += g[d] * o[d];
        }
        D[i] = warp_sum(part);
        offset_t row = (offset_t)blockIdx.y * T + t;
        rowLse[i] = t < T ? lse[row] : 0.0f;
        if (t < T && lane == 0) delta[row] = D[i];
#pragma unroll
        for (int c = 0; c < PER_LANE; c++) acc[i][c] = 0.0f;
    }
    for (int s0 = 0; s0 <= last; s0 += ATT2_TILE) {
        __syncthreads();
        att2_load<HS + 1>(Ks, a.k, a.stride, s0, ATT2_TILE, T, hs);
        att2_load<HS + 1>(Vs, a.v, a.stride, s0, ATT2_TILE, T, hs);
        __syncthreads();
        if (first > last || first + ROWS - 1 < s0) continue;
        float score[ROWS], dp[ROWS];
#pragma unroll
        for (int i = 0; i < ROWS; i++) { score[i] = 0.0f; dp[i] = 0.0f; }
        for (int d = 0; d < hs; d++) {
            float kd = Ks[lane * (HS + 1) + d], vd = Vs[lane * (HS + 1) + d];
#pragma unroll
            for (int i = 0; i < ROWS; i++) {
                score[i] += Qs[(warp * ROWS + i) * HS + d] * kd;
                dp[i] += Gs[(warp * ROWS + i) * HS + d] * vd;
            }
        }
        float ds[ROWS];
        int keys = 0;
#pragma unroll
        for (int i = 0; i < ROWS; i++) {
            int t = first + i;
            int n = t <= last ? min(ATT2_TILE, t + 1 - s0) : 0;
            keys = max(keys, n);
            ds[i] = lane < n ? expf(scale * score[i] - rowLse[i]) * (dp[i] - D[i]) : 0.0f;
        }
        for (int j = 0; j < keys; j++) {
            float dsj[ROWS];
#pragma unroll
            for (int i = 0; i < ROWS; i++) dsj[i] = __shfl_sync(FULL_MASK, ds[i], j);
#pragma unroll
            for (int c = 0; c < PER_LANE; c++) {
                int d = lane + 32 * c;
                float kd = d < hs ? Ks[j * (HS + 1) + d] : 0.0f;
#pragma unroll
                for (int i = 0; i < ROWS; i++) acc[i][c] += dsj[i] * kd;
            }
        }
    }
#pragma unroll
    for (int i = 0; i < ROWS; i++) {
        int t = first + i;
        if (t >= T) continue;
        float* dq = dqkv + (a.q - qkv) + (offset_t)t * a.stride;
#pragma unroll
        for (int c = 0; c < PER_LANE; c++) {
            int d = lane + 32 * c;
            if (d < hs) dq[d] = scale * acc[i][c];
        }
    }
}

// v2 backward for dk and dv, after the dq kernel wrote delta: a block owns ATT2_WARPS·ROWS key rows (warp w rows
// s0 + w·ROWS + i) and walks the queries t ≥ its first key in tiles of ATT2_TILE (q and dout rows padded, lse and
// delta beside them). Lane j takes query t0 + j: p = e^(q_t·k_s·scale − lse_t), ds = p·(dout_t·v_s − D_t);
// dv_s += Σ_j p_j·dout_j, dk_s += Σ_j ds_j·q_j; dk = scale·dk.
template <int HS, int ROWS>
__device__ __forceinline__ void attention_backward_dkv_v2(int T, int heads, int hs, float scale,
                                                          const float* __restrict__ qkv, const float* __restrict__ lse,
                                                          const float* __restrict__ dout,
                                                          const float* __restrict__ delta, float* __restrict__ dqkv) {
    constexpr int BKV = ATT2_WARPS * ROWS, PER_LANE = HS / 32;
    __shared__ float Ks[BKV * HS];
    __shared__ float Vs[BKV * HS];
    __shared__ float Qs[ATT2_TILE * (HS + 1)];
    __shared__ float Gs[ATT2_TILE * (HS + 1)];
    __shared__ float tileLse[ATT2_TILE], tileDelta[ATT2_TILE];
    Att2Head a = att2_head(qkv, T, heads, hs);
    int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    int s0 = blockIdx.x * BKV, first = s0 + warp * ROWS;       // this warp's keys: first .. first + ROWS − 1
    att2_load<HS>(Ks, a.k, a.stride, s0, BKV, T, hs);
    att2_load<HS>(Vs, a.v, a.stride, s0, BKV, T, hs);
    const float* rowLse = lse + (offset_t)blockIdx.y * T;
    const float* rowDelta = delta + (offset_t)blockIdx.y * T;
    float dk[ROWS][PER_LANE], dv[ROWS][PER_LANE];
#pragma unroll
    for (int i = 0; i < ROWS; i++)
#pragma unroll
        for (int c = 0; c < PER_LANE; c++) { dk[i][c] = 0.0f; dv[i][c] = 0.0f; }
    for (int t0 = s0; t0 < T; t0 += ATT2_TILE) {
        __syncthreads();
        att2_load<HS + 1>(Qs, a.q, a.stride, t0, ATT2_TILE, T, hs);
        att2_load<HS + 1>(Gs, dout + a.merged, a.c, t0, ATT2_TILE, T, hs);
        if (threadIdx.x < ATT2_TILE) {
            int t = t0 + threadIdx.x;
            tileLse[threadIdx.x] = t < T ? rowLse[t] : 0.0f;
            tileDelta[threadIdx.x] = t < T ? rowDelta[t] : 0.0f;
        }
        __syncthreads();
        if (first >= T) continue;
        float score[ROWS], dp[ROWS];
#pragma unroll
        for (int i = 0; i < ROWS; i++) { score[i] = 0.0f; dp[i] = 0.0f; }
        for (int d = 0; d < hs; d++) {
            float qd = Qs[lane * (HS + 1) + d], gd = Gs[lane * (HS + 1) + d];
#pragma unroll
            for (int i = 0; i < ROWS; i++) {
                score[i] += qd * Ks[(warp * ROWS + i) * HS + d];
                dp[i] += gd * Vs[(warp * ROWS + i) * HS + d];
            }
        }
        int t = t0 + lane;
        float p[ROWS], ds[ROWS];
#pragma unroll
        for (int i = 0; i < ROWS; i++) {
            int s = first + i;
            bool sees = s < T && t < T && t >= s;               // query t attends to key s
            p[i] = sees ? expf(scale * score[i] - tileLse[lane]) : 0.0f;
            ds[i] = p[i] * (dp[i] - tileDelta[lane]);
        }
        int queries = min(ATT2_TILE, T - t0);
        for (int j = 0; j < queries; j++) {
            float pj[ROWS], dsj[ROWS];
#pragma unroll
            for (int i = 0; i < ROWS; i++) {
                pj[i] = __shfl_sync(FULL_MASK, p[i], j);
                dsj[i] = __shfl_sync(FULL_MASK, ds[i], j);
            }
#pragma unroll
            for (int c = 0; c < PER_LANE; c++) {
                int d = lane + 32 * c;
                float qd = d < hs ? Qs[j * (HS + 1) + d] : 0.0f;
                float gd = d < hs ? Gs[j * (HS + 1) + d] : 0.0f;
#pragma unroll
                for (int i = 0; i < ROWS; i++) {
                    dv[i][c] += pj[i] * gd;
                    dk[i][c] += dsj[i] * qd;
                }
            }
        }
    }
#pragma unroll
    for (int i = 0; i < ROWS; i++) {
        int s = first + i;
        if (s >= T) continue;
        float* dks = dqkv + (a.k - qkv) + (offset_t)s * a.stride;
        float* dvs = dqkv + (a.v - qkv) + (offset_t)s * a.stride;
#pragma unroll
        for (int c = 0; c < PER_LANE; c++) {
            int d = lane + 32 * c;
            if (d < hs) { dks[d] = scale * dk[i][c]; dvs[d] = dv[i][c]; }
        }
    }
}

// The v2 entry points, one per head-size class: up to 64 (GPT-2's 64) with 4 rows per warp, up to 128 with 2 rows
// per warp in backward, where 4 would take the shared tiles past 48 KiB.

// v2 tiled forward for head sizes up to 64. grid (⌈T/16⌉, B·heads), block (128).
extern "C" __global__ void __launch_bounds__(128)
attention_forward_v2_hs64(int T, int heads, int hs, float scale, const float* __restrict__ qkv, float* __restrict__ out,
                          float* __restrict__ lse) {
    attention_forward_v2<64, 4>(T, heads, hs, scale, qkv, out, lse);
}

// v2 tiled backward for dq, head sizes up to 64. grid (⌈T/16⌉, B·heads), block (128).
extern "C" __global__ void __launch_bounds__(128)
attention_backward_dq_v2_hs64(int T, int heads, int hs, float scale, const float* __restrict__ qkv,
                              const float* __restrict__ out, const float* __restrict__ lse,
                              const float* __restrict__ dout, float* __restrict__ delta, float* __restrict__ dqkv) {
    attention_backward_dq_v2<64, 4>(T, heads, hs, scale, qkv, out, lse, dout, delta, dqkv);
}

// v2 tiled backward for dk and dv, head sizes up to 64. grid (⌈T/16⌉, B·heads), block (128).
extern "C" __global__ void __launch_bounds__(128)
attention_backward_dkv_v2_hs64(int T, int heads, int hs, float scale, const float* __restrict__ qkv,
                               const float* __restrict__ lse, const float* __restrict__ dout,
                               const float* __restrict__ delta, float* __restrict__ dqkv) {
    attention_backward_dkv_v2<64, 4>(T, heads, hs, scale, qkv, lse, dout, delta, dqkv);
}

// v2 tiled forward for head sizes up to 128. grid (⌈T/16⌉, B·heads), block (128).
extern "C" __global__ void __launch_bounds__(128)
attention_forward_v2_hs128(int T, int heads, int hs, float scale, const float* __restrict__ qkv,
                           float* __restrict__ out, float* __restrict__ lse) {
    attention_forward_v2<128, 4>(T, heads, hs, scale, qkv, out, lse);
}

// v2 tiled backward for dq, head sizes up to 128. grid (⌈T/8⌉, B·heads), block (128).
extern "C" __global__ void __launch_bounds__(128)
attention_backward_dq_v2_hs128(int T, int heads, int hs, float scale, const float* __restrict__ qkv,
                               const float* __restrict__ out, const float* __restrict__ lse,
                               const float* __restrict__ dout, float* __restrict__ delta, float* __restrict__ dqkv) {
    attention_backward_dq_v2<128, 2>(T, heads, hs, scale, qkv, out, lse, dout, delta, dqkv);
}

// v2 tiled backward for dk and dv, head sizes up to 128. grid (⌈T/8⌉, B·heads), block (128).
extern "C" __global__ void __launch_bounds__(128)
attention_backward_dkv_v2_hs128(int T, int heads, int hs, float scale, const float* __restrict__ qkv,
                                const float* __restrict__ lse, const float* __restrict__ dout,
                                const float* __restrict__ delta, float* __restrict__ dqkv) {
    attention_backward_dkv_v2<128, 2>(T, heads, hs, scale, qkv, lse, dout, delta, dqkv);
}
