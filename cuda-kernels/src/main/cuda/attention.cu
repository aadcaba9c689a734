// attention.cu: fused causal self-attention on qkv (B, T, 3C) = [q | k | v] and its backward, keeping no T×T matrix.
// Per (b, h), hs = C/heads, scale = 1/√hs:  lse_t = log Σ_{s≤t} exp(q_t·k_s·scale),  out_t = Σ_{s≤t} p_ts·v_s,
// p_ts = exp(q_t·k_s·scale − lse_t). Head h of q, k, v is channels h·hs.. of each third; out (B, T, C) puts head h at
// channels h·hs..; lse is (B, heads, T). Rows are numbered (b·heads + h)·T + t, one warp per row: lane j owns the
// channels d = j + 32·i of the row's accumulators, and keys (or queries) are taken 32 at a time, one per lane,
// each lane computing its own full dot products. No atomics: every output element is written by one lane.
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
