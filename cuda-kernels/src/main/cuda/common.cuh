// common.cuh: helpers shared by every kernel family (no system headers, so NVRTC needs no include path).
// Everything here is valid for compute capability 6.1: full-mask warp shuffles, fp32 only.
#pragma once

// 64-bit element offsets, spelled without size_t so no header is needed under NVRTC.
typedef unsigned long long offset_t;

#define FULL_MASK 0xffffffffu
#define MAX_RANK 8
#define NEG_INF __int_as_float(0xff800000)

// Output dims and up to three operands' element strides (0 along broadcast axes), passed by value.
struct Strided {
    int rank;
    int dims[MAX_RANK];
    int stride[3][MAX_RANK];
};

// Offset of output element i in operand `which`: unravel i over dims, dot with that operand's strides.
__device__ __forceinline__ unsigned strided_offset(const Strided& s, int which, unsigned i) {
    unsigned off = 0;
    for (int axis = s.rank - 1; axis >= 0; axis--) {
        unsigned d = (unsigned)s.dims[axis];
        off += (i % d) * (unsigned)s.stride[which][axis];
        i /= d;
    }
    return off;
}

// Whether x is neither NaN nor ±∞: x − x is 0 for every finite x and NaN otherwise (no header needed; the _rn
// intrinsic keeps the compiler from folding x − x to 0).
__device__ __forceinline__ bool is_finite(float x) {
    return __fsub_rn(x, x) == 0.0f;
}

// max that propagates NaN like Java's Math.max (fmaxf would drop it).
__device__ __forceinline__ float nan_max(float a, float b) {
    return (a > b || a != a) ? a : b;
}

// Butterfly reductions: every lane ends with the result. All 32 lanes must take part.
__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = nan_max(v, __shfl_xor_sync(FULL_MASK, v, o));
    return v;
}

// Online-softmax state (running max m, sum s of e^(x-m)) merged across lanes:
// (m, s) + (m', s') = (M, s·e^(m-M) + s'·e^(m'-M)) with M = max(m, m'); an empty state is (-inf, 0).
__device__ __forceinline__ void online_merge(float& m, float& s, float m2, float s2) {
    float mx = nan_max(m, m2);
    if (mx == NEG_INF) return;
    s = s * expf(m - mx) + s2 * expf(m2 - mx);
    m = mx;
}

__device__ __forceinline__ void warp_online(float& m, float& s) {
    for (int o = 16; o > 0; o >>= 1) {
        float m2 = __shfl_xor_sync(FULL_MASK, m, o);
        float s2 = __shfl_xor_sync(FULL_MASK, s, o);
        online_merge(m, s, m2, s2);
    }
}

// Block-wide reductions for blockDim.x a multiple of 32 (at most 1024); every thread gets the result.
// `scratch` is a __shared__ array of 32 floats; the trailing barrier lets callers reuse it at once.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0.0f;
    v = warp_sum(v);
    __syncthreads();
    return v;
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : NEG_INF;
    v = warp_max(v);
    __syncthreads();
    return v;
}

__device__ __forceinline__ void block_online(float& m, float& s, float* scratchM, float* scratchS) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    warp_online(m, s);
    if (lane == 0) { scratchM[warp] = m; scratchS[warp] = s; }
    __syncthreads();
    m = lane < warps ? scratchM[lane] : NEG_INF;
    s = lane < warps ? scratchS[lane] : 0.0f;
    warp_online(m, s);
    __syncthreads();
}

// Four consecutive floats of a row starting at column c (< cols): one 16-byte load when `vec` says rows start
// 16-byte aligned and the quad is whole, else scalar loads with zeros past the end.
__device__ __forceinline__ float4 load_quad(const float* __restrict__ row, int c, int cols, bool vec) {
    if (vec && c + 3 < cols) return *reinterpret_cast<const float4*>(row + c);
    float4 v;
    v.x = c < cols ? row[c] : 0.0f;
    v.y = c + 1 < cols ? row[c + 1] : 0.0f;
    v.z = c + 2 < cols ? row[c + 2] : 0.0f;
    v.w = c + 3 < cols ? row[c + 3] : 0.0f;
    return v;
}
