// elementwise.cu: fill, unary and binary maps (same shape, scalar, broadcast) and where.
// One thread per element in grid-stride loops; op codes are switch constants (uniform per launch, no divergence).
#include "common.cuh"

// Unary op codes (UnaryOp in Java, mapped in CudaElementwise).
enum {
    U_NEG = 0, U_EXP = 1, U_LOG = 2, U_SQRT = 3, U_TANH = 4, U_SIGMOID = 5, U_RELU = 6, U_STEP = 7,
    U_ABS = 8, U_GELU_TANH = 9, U_GELU_TANH_GRAD = 10, U_GELU_ERF = 11, U_GELU_ERF_GRAD = 12
};

// Binary op codes (BinaryOp in Java).
enum { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_POW = 4, B_MAX = 5, B_EQ = 6, B_GT = 7, B_LT = 8 };

#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_CUBIC 0.044715f
#define INV_SQRT_2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

__device__ __forceinline__ float unary_apply(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_TANH: return tanhf(x);
        case U_SIGMOID: {
            // 1/(1+e^-x), written so that e^|x| never overflows
            float e = expf(-fabsf(x));
            return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
        }
        case U_RELU: return x > 0.0f ? x : 0.0f;
        case U_STEP: return x > 0.0f ? 1.0f : 0.0f;
        case U_ABS: return fabsf(x);
        case U_GELU_TANH: {
            // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
            float t = tanhf(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
            return 0.5f * x * (1.0f + t);
        }
        case U_GELU_TANH_GRAD: {
            // ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
            float t = tanhf(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
            return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_CUBIC * x * x);
        }
        case U_GELU_ERF: return 0.5f * x * (1.0f + erff(x * INV_SQRT_2));                  // x·Φ(x)
        case U_GELU_ERF_GRAD:                                                              // Φ(x) + x·φ(x)
            return 0.5f * (1.0f + erff(x * INV_SQRT_2)) + x * expf(-0.5f * x * x) * INV_SQRT_2PI;
        default: return __int_as_float(0x7fc00000);                                        // unknown op: NaN
    }
}

__device__ __forceinline__ float binary_apply(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return powf(a, b);
        case B_MAX: return (a != a || b != b) ? a + b : fmaxf(a, b);                        // NaN wins, as in Java
        case B_EQ: return a == b ? 1.0f : 0.0f;
        case B_GT: return a > b ? 1.0f : 0.0f;
        case B_LT: return a < b ? 1.0f : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

// v1 out[i] = value
extern "C" __global__ void fill_f32(int n, float value, float* __restrict__ out) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        out[i] = value;
}

// v1 y[i] = f(x[i])
extern "C" __global__ void unary_f32(int op, int n, const float* __restrict__ x, float* __restrict__ y) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        y[i] = unary_apply(op, x[i]);
}

// v1 out[i] = f(a[i], b[i]) for operands of the same shape
extern "C" __global__ void binary_f32(int op, int n, const float* __restrict__ a, const float* __restrict__ b,
                                      float* __restrict__ out) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        out[i] = binary_apply(op, a[i], b[i]);
}

// v1 out[i] = f(a[i], s) with a scalar right operand
extern "C" __global__ void binary_scalar_f32(int op, int n, const float* __restrict__ a, float s,
                                             float* __restrict__ out) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        out[i] = binary_apply(op, a[i], s);
}

// v1 dst[i] += src[.] in place, src broadcast to dst's shape (its strides in `s`, 0 on broadcast axes)
extern "C" __global__ void add_into_f32(int n, Strided s, float* __restrict__ dst, const float* __restrict__ src) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        dst[i] += src[strided_offset(s, 0, i)];
}

// v1 x[i] *= s in place
extern "C" __global__ void scale_f32(int n, float s, float* __restrict__ x) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        x[i] *= s;
}

// v1 out[i] = f(a[.], b[.]) with NumPy broadcasting: operand offsets from the strides in `s` (0 on broadcast axes)
extern "C" __global__ void binary_bcast_f32(int op, int n, Strided s, const float* __restrict__ a,
                                            const float* __restrict__ b, float* __restrict__ out) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        out[i] = binary_apply(op, a[strided_offset(s, 0, i)], b[strided_offset(s, 1, i)]);
}

// v1 out[i] = cond[.] != 0 ? a[.] : b[.], all three broadcast (strides 0, 1, 2 in `s`)
extern "C" __global__ void where_f32(int n, Strided s, const float* __restrict__ cond, const float* __restrict__ a,
                                     const float* __restrict__ b, float* __restrict__ out) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        out[i] = cond[strided_offset(s, 0, i)] != 0.0f ? a[strided_offset(s, 1, i)] : b[strided_offset(s, 2, i)];
}

// v1 y = gelu(h + b) with GPT-2's tanh GELU, h (rows, n), b (n) broadcast over the rows: a Linear's bias and the
// activation after it in one pass (one read of h, one write of y).
extern "C" __global__ void bias_gelu_f32(int rows, int n, const float* __restrict__ h, const float* __restrict__ bias,
                                         float* __restrict__ y) {
    unsigned total = (unsigned)rows * (unsigned)n;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x)
        y[i] = unary_apply(U_GELU_TANH, h[i] + bias[i % (unsigned)n]);
}

// v1 du = dy ⊙ gelu'(h + b): bias_gelu_f32's backward to its pre-activation, recomputing h + b.
extern "C" __global__ void bias_gelu_backward_f32(int rows, int n, const float* __restrict__ dy,
                                                  const float* __restrict__ h, const float* __restrict__ bias,
                                                  float* __restrict__ du) {
    unsigned total = (unsigned)rows * (unsigned)n;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x)
        du[i] = dy[i] * unary_apply(U_GELU_TANH_GRAD, h[i] + bias[i % (unsigned)n]);
}
