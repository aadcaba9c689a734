// embedding.cu: integer-id checks, row lookup, and a deterministic scatter-add for the backward pass.
// The backward sorts positions by id (counting sort: count, scan, scatter, order each bucket by position) and then
// sums each vocabulary row's gradients in position order, so the result is bitwise the same on every run
// (no float atomics).
#include "common.cuh"

// v2 ids are float tensors holding integers: out[i] = (int) ids[i]. A value that is not an integer in [0, bound)
// (nor `allowed`, when hasAllowed is set) is written as 0 and reported in status[slot], which starts as all ones:
// the smallest bad position in the high 32 bits and that id's float bits in the low 32 (one 64-bit atomicMin keeps
// the pair together), so the host can word the error at its next read of the device, without the ids and without
// waiting for this kernel now.
extern "C" __global__ void index_check(int n, int bound, int allowed, int hasAllowed, const float* __restrict__ ids,
                                       int* __restrict__ out, unsigned long long* __restrict__ status, int slot) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x) {
        float v = ids[i];
        int id = (int)v;
        bool exempt = hasAllowed && id == allowed;
        bool bad = (float)id != v || ((id < 0 || id >= bound) && !exempt);
        out[i] = bad ? 0 : id;
        if (bad) atomicMin(&status[slot], ((unsigned long long)i << 32) | __float_as_uint(v));
    }
}

// v1 out[p][j] = table[ids[p]][j] for n positions and c columns, one thread per output element.
extern "C" __global__ void embedding_forward(int n, int c, const int* __restrict__ ids, const float* __restrict__ table,
                                             float* __restrict__ out) {
    unsigned total = (unsigned)n * (unsigned)c;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        unsigned p = i / (unsigned)c, j = i % (unsigned)c;
        out[i] = table[(offset_t)ids[p] * c + j];
    }
}

// v1 backward step 1: counts[v] = number of positions with id v (integer atomics: the counts are exact).
extern "C" __global__ void embedding_count(int n, const int* __restrict__ ids, int* __restrict__ counts) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        atomicAdd(&counts[ids[i]], 1);
}

// v1 backward step 2: exclusive prefix sum of n ints in one block; written twice (bucket starts, scatter cursors).
// Each thread scans a contiguous chunk; chunk totals are scanned across the block (Hillis–Steele). block (1024).
extern "C" __global__ void scan_exclusive_int(int n, const int* __restrict__ in, int* __restrict__ out,
                                              int* __restrict__ out2) {
    __shared__ int sums[1024];
    int t = threadIdx.x;
    int per = (n + blockDim.x - 1) / blockDim.x;
    int b = min(n, t * per), e = min(n, b + per);
    int s = 0;
    for (int i = b; i < e; i++) s += in[i];
    sums[t] = s;
    __syncthreads();
    for (int d = 1; d < blockDim.x; d <<= 1) {
        int v = t >= d ? sums[t - d] : 0;
        __syncthreads();
        sums[t] += v;
        __syncthreads();
    }
    int run = sums[t] - s;
    for (int i = b; i < e; i++) { out[i] = run; out2[i] = run; run += in[i]; }
}

// v1 backward step 3: positions[cursor[id]++] = p; the order inside a bucket depends on scheduling (fixed in step 4).
extern "C" __global__ void embedding_scatter(int n, const int* __restrict__ ids, int* __restrict__ cursor,
                                             int* __restrict__ positions) {
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += blockDim.x * gridDim.x)
        positions[atomicAdd(&cursor[ids[i]], 1)] = (int)i;
}

// v1 backward step 4: one thread per vocabulary row sorts its bucket of positions ascending (insertion sort:
// buckets are short for text; a single id repeated n times costs O(n²) in one thread).
extern "C" __global__ void embedding_sort_buckets(int vocab, const int* __restrict__ starts, const int* __restrict__ counts,
                                                  int* __restrict__ positions) {
    for (unsigned v = blockIdx.x * blockDim.x + threadIdx.x; v < (unsigned)vocab; v += blockDim.x * gridDim.x) {
        int* bucket = positions + starts[v];
        int len = counts[v];
        for (int i = 1; i < len; i++) {
            int key = bucket[i], k = i - 1;
            while (k >= 0 && bucket[k] > key) { bucket[k + 1] = bucket[k]; k--; }
            bucket[k + 1] = key;
        }
    }
}

// v1 backward step 5: dtable[v][j] = Σ over v's positions p, in ascending order, of g[p][j]; 0 for unused rows.
extern "C" __global__ void embedding_accumulate(int vocab, int c, const int* __restrict__ starts,
                                                const int* __restrict__ counts, const int* __restrict__ positions,
                                                const float* __restrict__ g, float* __restrict__ dtable) {
    unsigned total = (unsigned)vocab * (unsigned)c;
    for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
        unsigned v = i / (unsigned)c, j = i % (unsigned)c;
        const int* bucket = positions + starts[v];
        float acc = 0.0f;
        for (int k = 0; k < counts[v]; k++) acc += g[(offset_t)bucket[k] * c + j];
        dtable[i] = acc;
    }
}
