// cuda_emu.h: runs the project's CUDA kernels on the CPU so their indexing, bounds handling and synchronisation can
// be tested without a GPU. Every CUDA thread of a block is a fiber (ucontext) on one OS thread; a fiber runs until
// it reaches a barrier (__syncthreads, or the exchange inside a warp shuffle) and the scheduler then runs the next
// one, so a barrier releases only when every live thread of the block (or warp) has reached it. A thread that
// returns early drops out of its barriers, as an exited thread does on the GPU. Blocks run one after another, so
// a kernel's __shared__ arrays (static locals here) belong to the one block that is running.
// This checks logic (indices, bounds, reductions, barrier placement), not speed or the GPU memory model.
#pragma once
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(n)

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

struct alignas(16) float4 {
    float x, y, z, w;
};

inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}

inline unsigned __float_as_uint(float f) {
    unsigned u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

// IEEE round-to-nearest arithmetic, never contracted (x86-64 without -mfma has no fused multiply-add).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }

inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

namespace emu {

constexpr size_t STACK_BYTES = 64 * 1024;

struct Fiber {
    ucontext_t ctx;
    std::vector<char> stack = std::vector<char>(STACK_BYTES);
    dim3 tid;
    int lane = 0;
    int warp = 0;
    bool done = false;
};

// A barrier over `live` fibers: the last to arrive opens the next phase; the others yield until it opens.
struct Barrier {
    int live = 0;
    int arrived = 0;
    unsigned phase = 0;
};

struct Warp {
    Barrier bar;
    alignas(8) unsigned char slot[32][8];
};

inline ucontext_t scheduler;
inline Fiber* current = nullptr;
inline std::function<void()> body;
inline Barrier block_bar;
inline std::vector<Warp> warps;
inline dim3 block_idx, block_dim, grid_dim;

inline void yield() { swapcontext(&current->ctx, &scheduler); }

inline void arrive_and_wait(Barrier& b) {
    unsigned phase = b.phase;
    if (++b.arrived == b.live) {
        b.arrived = 0;
        b.phase++;
        return;
    }
    while (b.phase == phase) yield();
}

inline void drop(Barrier& b) {
    b.live--;
    if (b.arrived > 0 && b.arrived == b.live) {
        b.arrived = 0;
        b.phase++;
    }
}

inline void fiber_entry() {
    body();
    current->done = true;
    drop(block_bar);
    drop(warps[current->warp].bar);
}

// Runs kernel<<<grid, block>>>(args...) to completion.
template <typename... Params, typename... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, Args... args) {
    int n = (int)(block.x * block.y * block.z);
    std::vector<Fiber> fibers(n);
    block_dim = block;
    grid_dim = grid;
    body = [&] { kernel(args...); };
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                block_idx = dim3{bx, by, bz};
                block_bar = Barrier{n, 0, 0};
                warps.assign((n + 31) / 32, Warp{});
                for (size_t w = 0; w < warps.size(); w++) warps[w].bar.live = std::min(32, n - (int)w * 32);
                for (int t = 0; t < n; t++) {
                    Fiber& f = fibers[t];
                    f.tid = dim3{t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
                    f.lane = t % 32;
                    f.warp = t / 32;
                    f.done = false;
                    getcontext(&f.ctx);
                    f.ctx.uc_stack.ss_sp = f.stack.data();
                    f.ctx.uc_stack.ss_size = f.stack.size();
                    f.ctx.uc_link = &scheduler;
                    makecontext(&f.ctx, fiber_entry, 0);
                }
                for (bool running = true; running;) {
                    running = false;
                    for (Fiber& f : fibers) {
                        if (!f.done) {
                            current = &f;
                            swapcontext(&scheduler, &f.ctx);
                            running |= !f.done;
                        }
                    }
                }
            }
}

template <typename T>
T shuffle(T v, int source) {
    Warp& w = warps[current->warp];
    std::memcpy(w.slot[current->lane], &v, sizeof(T));
    arrive_and_wait(w.bar);
    T r = v;
    if (source >= 0 && source < 32) std::memcpy(&r, w.slot[source], sizeof(T));
    arrive_and_wait(w.bar);
    return r;
}

}  // namespace emu

#define threadIdx (emu::current->tid)
#define blockIdx (emu::block_idx)
#define blockDim (emu::block_dim)
#define gridDim (emu::grid_dim)

inline void __syncthreads() { emu::arrive_and_wait(emu::block_bar); }

template <typename T>
T __shfl_xor_sync(unsigned, T v, int laneMask) { return emu::shuffle(v, emu::current->lane ^ laneMask); }

template <typename T>
T __shfl_sync(unsigned, T v, int srcLane) { return emu::shuffle(v, srcLane & 31); }

template <typename T>
T __shfl_down_sync(unsigned, T v, int delta) {
    int src = emu::current->lane + delta;
    return emu::shuffle(v, src < 32 ? src : emu::current->lane);
}

// One OS thread runs every fiber, and fibers switch only at barriers: plain read-modify-write is atomic here.
inline int atomicAdd(int* p, int v) {
    int old = *p;
    *p = old + v;
    return old;
}

inline int atomicMin(int* p, int v) {
    int old = *p;
    *p = std::min(old, v);
    return old;
}

inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    unsigned long long old = *p;
    *p = std::min(old, v);
    return old;
}
