// kernels_emu_test.cpp: every kernel of src/main/cuda run through cuda_emu.h on the CPU against plain reference
// loops in double precision. Quiet on success (exit 0); on failure prints what differed and exits 1.
// Build: g++ -std=c++20 -O1 -pthread -fno-strict-aliasing -I<this dir> kernels_emu_test.cpp (see KernelEmulationTest).
#include "cuda_emu.h"

#include "../../main/cuda/attention.cu"
#include "../../main/cuda/crossentropy.cu"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/embedding.cu"
#include "../../main/cuda/layernorm.cu"
#include "../../main/cuda/layout.cu"
#include "../../main/cuda/matmul.cu"
#include "../../main/cuda/matmul_v7.cu"
#include "../../main/cuda/optim.cu"
#include "../../main/cuda/reduce.cu"
#include "../../main/cuda/softmax.cu"

#include <cstdio>
#include <random>
#include <string>

using Vec = std::vector<float>;
using Ref = std::vector<double>;

static int failures = 0;

static void check(const std::string& what, const Vec& got, const Ref& want, double atol, double rtol) {
    int bad = -1, count = 0;
    if (got.size() != want.size()) {
        std::printf("FAIL %s: %zu values, expected %zu\n", what.c_str(), got.size(), want.size());
        failures++;
        return;
    }
    for (size_t i = 0; i < got.size(); i++) {
        double e = want[i], a = got[i];
        bool same = a == e || (std::isnan(e) && std::isnan(a)) || std::fabs(a - e) <= atol + rtol * std::fabs(e);
        if (!same) {
            count++;
            if (bad < 0) bad = (int)i;
        }
    }
    if (bad >= 0) {
        std::printf("FAIL %s: %d of %zu differ; first at %d: got %.9g, expected %.9g\n", what.c_str(), count,
                    got.size(), bad, got[bad], want[bad]);
        failures++;
    }
}

static std::mt19937_64 rng(12345);

static Vec normal(size_t n, double scale = 1) {
    std::normal_distribution<float> d(0.0f, 1.0f);
    Vec v(n);
    for (auto& x : v) x = (float)(d(rng) * scale);
    return v;
}

static int uniform(int bound) { return (int)(rng() % (uint64_t)bound); }

static dim3 d3(unsigned x, unsigned y = 1, unsigned z = 1) { return dim3{x, y, z}; }
static unsigned cdiv(long a, long b) { return (unsigned)((a + b - 1) / b); }

// Strided for operands broadcast to `out` (no axis merging: the kernel's index math must work at any rank).
static Strided strided(const std::vector<int>& out, const std::vector<std::vector<int>>& ops) {
    Strided s{};
    s.rank = (int)out.size();
    for (int i = 0; i < s.rank; i++) s.dims[i] = out[i];
    for (size_t k = 0; k < ops.size(); k++) {
        const auto& in = ops[k];
        int lead = s.rank - (int)in.size(), stride = 1;
        for (int a = s.rank - 1; a >= lead; a--) {
            int d = in[a - lead];
            s.stride[k][a] = d == 1 ? 0 : stride;
            stride *= d;
        }
    }
    return s;
}

static size_t numel(const std::vector<int>& d) {
    size_t n = 1;
    for (int x : d) n *= x;
    return n;
}

// Offset of output index i in operand k (the reference for strided_offset).
static size_t offset(const Strided& s, int k, size_t i) {
    size_t off = 0;
    for (int a = s.rank - 1; a >= 0; a--) {
        off += (i % s.dims[a]) * s.stride[k][a];
        i /= s.dims[a];
    }
    return off;
}

static double unary_ref(int op, double x) {
    const double c = std::sqrt(2.0 / M_PI);
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return std::exp(x);
        case U_LOG: return std::log(x);
        case U_SQRT: return std::sqrt(x);
        case U_TANH: return std::tanh(x);
        case U_SIGMOID: return 1 / (1 + std::exp(-x));
        case U_RELU: return x > 0 ? x : 0;
        case U_STEP: return x > 0 ? 1 : 0;
        case U_ABS: return std::fabs(x);
        case U_GELU_TANH: return 0.5 * x * (1 + std::tanh(c * (x + 0.044715 * x * x * x)));
        case U_GELU_TANH_GRAD: {
            double t = std::tanh(c * (x + 0.044715 * x * x * x));
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
        }
        case U_GELU_ERF: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
        default: return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
    }
}

static double binary_ref(int op, double a, double b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return std::pow(a, b);
        case B_MAX: return std::max(a, b);
        case B_EQ: return a == b;
        case B_GT: return a > b;
        default: return a < b;
    }
}

static void test_elementwise() {
    int n = 1000;
    Vec x = normal(n, 3), y(n);
    for (int op = U_NEG; op <= U_GELU_ERF_GRAD; op++) {
        Vec in = x;
        if (op == U_LOG || op == U_SQRT)
            for (auto& v : in) v = std::fabs(v) + 0.1f;
        emu::launch(unary_f32, d3(2), d3(256), op, n, in.data(), y.data());   // 2 blocks: the grid-stride loop runs
        Ref want(n);
        for (int i = 0; i < n; i++) want[i] = unary_ref(op, in[i]);
        check("unary op " + std::to_string(op), y, want, 1e-5, 1e-5);
    }
    Vec a = normal(n), b = normal(n), out(n);
    for (auto& v : b) v = std::round(v);                                      // some equal pairs for EQ
    Vec ar = a;
    for (auto& v : ar) v = std::round(v);
    for (int op = B_ADD; op <= B_LT; op++) {
        Vec aa = op == B_POW ? x : (op >= B_EQ ? ar : a);
        if (op == B_POW)
            for (auto& v : aa) v = std::fabs(v) + 0.1f;
        emu::launch(binary_f32, d3(3), d3(128), op, n, aa.data(), b.data(), out.data());
        Ref want(n);
        for (int i = 0; i < n; i++) want[i] = binary_ref(op, aa[i], b[i]);
        check("binary op " + std::to_string(op), out, want, 1e-6, 1e-5);
        emu::launch(binary_scalar_f32, d3(1), d3(256), op, n, aa.data(), 0.75f, out.data());
        for (int i = 0; i < n; i++) want[i] = binary_ref(op, aa[i], 0.75f);
        check("binary_scalar op " + std::to_string(op), out, want, 1e-6, 1e-5);
    }
    std::vector<int> od = {2, 3, 4, 5, 6}, ad = {3, 1, 5, 1}, bd = {2, 1, 4, 1, 6};
    Strided s = strided(od, {ad, bd});
    size_t m = numel(od);
    Vec av = normal(numel(ad)), bv = normal(numel(bd)), ov(m);
    emu::launch(binary_bcast_f32, d3(2), d3(256), (int)B_SUB, (int)m, s, av.data(), bv.data(), ov.data());
    Ref want(m);
    for (size_t i = 0; i < m; i++) want[i] = (double)av[offset(s, 0, i)] - bv[offset(s, 1, i)];
    check("binary_bcast", ov, want, 0, 1e-6);
    // the reference offset itself on one element: out index (1,2,3,4,5) -> a (3,1,5,1) at (2,0,4,0) -> 14,
    // b (2,1,4,1,6) at (1,0,3,0,5) -> 47
    size_t i = (((1 * 3 + 2) * 4 + 3) * 5 + 4) * 6 + 5;
    if (offset(s, 0, i) != (size_t)(2 * 5 + 4) || offset(s, 1, i) != (size_t)((1 * 4 + 3) * 6 + 5)) {
        std::printf("FAIL strided reference offsets\n");
        failures++;
    }
    Vec cond(numel({3, 1, 1, 1}));
    for (auto& v : cond) v = (float)uniform(2);
    Strided w = strided(od, {{3, 1, 1, 1}, ad, {}});
    Vec scalar = {-7.0f};
    emu::launch(where_f32, d3(1), d3(256), (int)m, w, cond.data(), av.data(), scalar.data(), ov.data());
    for (size_t k = 0; k < m; k++) want[k] = cond[offset(w, 0, k)] != 0 ? av[offset(w, 1, k)] : -7.0;
    check("where", ov, want, 0, 0);
    emu::launch(fill_f32, d3(1), d3(64), 100, 2.5f, out.data());
    check("fill", Vec(out.begin(), out.begin() + 100), Ref(100, 2.5), 0, 0);
}

// bias + GELU and its backward on rows of odd width, 2 blocks so the grid-stride loop wraps.
static void test_bias_gelu() {
    for (int n : {1, 7, 333}) {
        int rows = 5;
        Vec h = normal(rows * n, 3), bias = normal(n), y(rows * n), dy = normal(rows * n), du(rows * n);
        emu::launch(bias_gelu_f32, d3(2), d3(256), rows, n, h.data(), bias.data(), y.data());
        emu::launch(bias_gelu_backward_f32, d3(2), d3(256), rows, n, dy.data(), h.data(), bias.data(), du.data());
        Ref wy(rows * n), wd(rows * n);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++) {
                double u = h[r * n + j] + bias[j];
                wy[r * n + j] = unary_ref(U_GELU_TANH, u);
                wd[r * n + j] = dy[r * n + j] * unary_ref(U_GELU_TANH_GRAD, u);
            }
        check("bias_gelu n " + std::to_string(n), y, wy, 1e-6, 1e-5);
        check("bias_gelu_backward n " + std::to_string(n), du, wd, 1e-6, 1e-5);
    }
}

static void test_layout() {
    std::vector<int> in = {2, 3, 4, 5};
    int axes[4] = {3, 1, 0, 2};
    int strides[4] = {60, 20, 5, 1};
    Strided s{};
    s.rank = 4;
    for (int k = 0; k < 4; k++) {
        s.dims[k] = in[axes[k]];
        s.stride[0][k] = strides[axes[k]];
    }
    Vec x = normal(120), y(120);
    emu::launch(gather_f32, d3(1), d3(64), 120, s, x.data(), y.data());
    Ref want(120);
    for (int i = 0; i < 120; i++) want[i] = x[offset(s, 0, i)];
    check("gather (permute)", y, want, 0, 0);

    int rows = 33, cols = 70, batch = 3;
    Vec t = normal(batch * rows * cols), tt(batch * rows * cols);
    emu::launch(transpose_f32, d3(cdiv(cols, 32), cdiv(rows, 32), batch), d3(32, 8), rows, cols, t.data(), tt.data());
    Ref wt(t.size());
    for (int z = 0; z < batch; z++)
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                wt[(size_t)z * rows * cols + (size_t)c * rows + r] = t[(size_t)z * rows * cols + r * cols + c];
    check("transpose", tt, wt, 0, 0);

    // slice axis 1 [2, 5) of (4, 7, 3): rows 4, len 9, src stride 21, src offset 6
    Vec src = normal(84), dst(36);
    emu::launch(copy_rows_f32, d3(1), d3(32), 4, 9, 21, 6, 9, 0, src.data(), dst.data());
    Ref ws(36);
    for (int o = 0; o < 4; o++)
        for (int j = 0; j < 9; j++) ws[o * 9 + j] = src[o * 21 + 6 + j];
    check("copy_rows (slice)", dst, ws, 0, 0);
}

static void test_reduce() {
    int rows = 7, n = 1000;
    Vec x = normal(rows * n), out(rows);
    for (int op = R_SUM; op <= R_MAX; op++) {
        emu::launch(reduce_rows_f32, d3(rows), d3(256), op, rows, n, x.data(), out.data());
        Ref want(rows);
        for (int r = 0; r < rows; r++) {
            double acc = op == R_MAX ? -INFINITY : 0;
            for (int j = 0; j < n; j++) acc = op == R_MAX ? std::max(acc, (double)x[r * n + j]) : acc + x[r * n + j];
            want[r] = acc;
        }
        check("reduce_rows op " + std::to_string(op), out, want, 1e-4, 1e-5);
        int outer = 3, m = 50, inner = 37;
        Vec y = normal(outer * m * inner), o2(outer * inner);
        emu::launch(reduce_cols_f32, d3(outer * cdiv(inner, 32)), d3(32, 8), op, outer, m, inner, y.data(), o2.data());
        Ref w2(outer * inner);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double acc = op == R_MAX ? -INFINITY : 0;
                for (int k = 0; k < m; k++) {
                    double v = y[(o * m + k) * inner + i];
                    acc = op == R_MAX ? std::max(acc, v) : acc + v;
                }
                w2[o * inner + i] = acc;
            }
        check("reduce_cols op " + std::to_string(op), o2, w2, 1e-5, 1e-5);
    }
}

static void softmax_ref(const Vec& x, int rows, int c, bool log, Ref& y) {
    for (int r = 0; r < rows; r++) {
        double m = -INFINITY, s = 0;
        for (int j = 0; j < c; j++) m = std::max(m, (double)x[r * c + j]);
        for (int j = 0; j < c; j++) s += std::exp(x[r * c + j] - m);
        for (int j = 0; j < c; j++) y[r * c + j] = log ? x[r * c + j] - m - std::log(s) : std::exp(x[r * c + j] - m) / s;
    }
}

static void test_softmax() {
    void (*versions[3])(int, int, int, const float*, float*) = {softmax_v1, softmax_v2, softmax_v3};
    // (3, 50257) at the GPU tests' tolerance: v1 sums a whole classifier row in one thread
    int shapes[4][2] = {{7, 1000}, {3, 1}, {5, 33}, {3, 50257}};
    for (auto& sh : shapes) {
        int rows = sh[0], c = sh[1];
        Vec x = normal(rows * c, 4), y(rows * c);
        for (int log = 0; log <= 1; log++) {
            Ref want(rows * c);
            softmax_ref(x, rows, c, log, want);
            for (int v = 0; v < 3; v++) {
                dim3 grid = v == 0 ? d3(cdiv(rows, 256)) : d3(rows);
                emu::launch(versions[v], grid, d3(256), rows, c, log, x.data(), y.data());
                check("softmax v" + std::to_string(v + 1) + " log " + std::to_string(log) + " c " + std::to_string(c),
                      y, want, c > 1000 ? 1e-5 : 1e-6, 1e-5);
            }
            Vec g = normal(rows * c), dx(rows * c);
            Vec yf(y.size());
            for (size_t i = 0; i < y.size(); i++) yf[i] = (float)want[i];
            emu::launch(softmax_backward, d3(rows), d3(256), rows, c, log, yf.data(), g.data(), dx.data());
            Ref wd(rows * c);
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int j = 0; j < c; j++) dot += log ? g[r * c + j] : (double)g[r * c + j] * yf[r * c + j];
                for (int j = 0; j < c; j++) {
                    int k = r * c + j;
                    wd[k] = log ? g[k] - std::exp((double)yf[k]) * dot : yf[k] * (g[k] - dot);
                }
            }
            check("softmax_backward log " + std::to_string(log) + " c " + std::to_string(c), dx, wd, 1e-5, 1e-4);
        }
    }
}

static void test_layernorm() {
    int rows = 37, c = 100;
    float eps = 1e-5f;
    Vec x = normal(rows * c), gamma = normal(c), beta = normal(c), y(rows * c), mean(rows), rstd(rows);
    emu::launch(layernorm_forward, d3(cdiv(rows, 8)), d3(256), rows, c, eps, x.data(), gamma.data(), beta.data(),
                y.data(), mean.data(), rstd.data());
    Ref wy(rows * c), wm(rows), wr(rows);
    for (int r = 0; r < rows; r++) {
        double mu = 0, sq = 0;
        for (int j = 0; j < c; j++) mu += x[r * c + j];
        mu /= c;
        for (int j = 0; j < c; j++) sq += (x[r * c + j] - mu) * (x[r * c + j] - mu);
        double rs = 1 / std::sqrt(sq / c + eps);
        for (int j = 0; j < c; j++) wy[r * c + j] = (x[r * c + j] - mu) * rs * gamma[j] + beta[j];
        wm[r] = mu;
        wr[r] = rs;
    }
    check("layernorm y", y, wy, 1e-5, 1e-4);
    check("layernorm mean", mean, wm, 1e-6, 1e-5);
    check("layernorm rstd", rstd, wr, 1e-6, 1e-5);
    Vec dy = normal(rows * c), dx(rows * c);
    emu::launch(layernorm_backward_dx, d3(cdiv(rows, 8)), d3(256), rows, c, dy.data(), x.data(), gamma.data(),
                mean.data(), rstd.data(), dx.data(), 0);
    Ref wdx(rows * c), wdg(c, 0), wdb(c, 0);
    for (int r = 0; r < rows; r++) {
        double mg = 0, mgx = 0;
        for (int j = 0; j < c; j++) {
            double gh = (double)dy[r * c + j] * gamma[j], xh = (x[r * c + j] - mean[r]) * (double)rstd[r];
            mg += gh;
            mgx += gh * xh;
            wdg[j] += dy[r * c + j] * xh;
            wdb[j] += dy[r * c + j];
        }
        mg /= c;
        mgx /= c;
        for (int j = 0; j < c; j++) {
            double xh = (x[r * c + j] - mean[r]) * (double)rstd[r];
            wdx[r * c + j] = rstd[r] * ((double)dy[r * c + j] * gamma[j] - mg - xh * mgx);
        }
    }
    check("layernorm dx", dx, wdx, 1e-5, 1e-4);
    int perChunk = 16, chunks = (int)cdiv(rows, perChunk);
    Vec pg(chunks * c), pb(chunks * c), dg(c), db(c);
    emu::launch(layernorm_backward_params_partial, d3(cdiv(c, 32), chunks), d3(32, 8), rows, c, perChunk, dy.data(),
                x.data(), mean.data(), rstd.data(), pg.data(), pb.data());
    emu::launch(layernorm_backward_params_final, d3(cdiv(c, 256)), d3(256), chunks, c, pg.data(), pb.data(), dg.data(),
                db.data());
    check("layernorm dgamma", dg, wdg, 1e-4, 1e-4);
    check("layernorm dbeta", db, wdb, 1e-4, 1e-4);
}

// The residual add fused with the layer norm: h = x + a exactly, y, mean and rstd as layernorm_forward gives for h;
// and the dx kernel adding into an existing gradient: dx_after = dx_before + (its result without accumulate).
static void test_residual_layernorm(int rows, int c) {
    float eps = 1e-5f;
    Vec x = normal(rows * c, 2), a = normal(rows * c), gamma = normal(c), beta = normal(c);
    Vec h(rows * c), y(rows * c), mean(rows), rstd(rows);
    emu::launch(residual_layernorm_forward, d3(cdiv(rows, 8)), d3(256), rows, c, eps, x.data(), a.data(), gamma.data(),
                beta.data(), h.data(), y.data(), mean.data(), rstd.data());
    std::string tag = " rows " + std::to_string(rows) + " c " + std::to_string(c);
    Ref wh(rows * c), wy(rows * c), wm(rows), wr(rows);
    for (int r = 0; r < rows; r++) {
        double mu = 0, sq = 0;
        for (int j = 0; j < c; j++) {
            wh[r * c + j] = x[r * c + j] + a[r * c + j];
            mu += (float)wh[r * c + j];
        }
        mu /= c;
        for (int j = 0; j < c; j++) sq += ((float)wh[r * c + j] - mu) * ((float)wh[r * c + j] - mu);
        double rs = 1 / std::sqrt(sq / c + eps);
        for (int j = 0; j < c; j++) wy[r * c + j] = ((float)wh[r * c + j] - mu) * rs * gamma[j] + beta[j];
        wm[r] = mu;
        wr[r] = rs;
    }
    check("residual_layernorm h" + tag, h, wh, 0, 1e-7);
    check("residual_layernorm y" + tag, y, wy, 1e-5, 1e-4);
    check("residual_layernorm mean" + tag, mean, wm, 1e-6, 1e-5);
    check("residual_layernorm rstd" + tag, rstd, wr, 1e-6, 1e-5);
    Vec dy = normal(rows * c), plain(rows * c), residual = normal(rows * c), into = residual;
    emu::launch(layernorm_backward_dx, d3(cdiv(rows, 8)), d3(256), rows, c, dy.data(), h.data(), gamma.data(),
                mean.data(), rstd.data(), plain.data(), 0);
    emu::launch(layernorm_backward_dx, d3(cdiv(rows, 8)), d3(256), rows, c, dy.data(), h.data(), gamma.data(),
                mean.data(), rstd.data(), into.data(), 1);
    Ref sum(rows * c);
    for (int i = 0; i < rows * c; i++) sum[i] = residual[i] + plain[i];
    check("layernorm_backward_dx accumulate" + tag, into, sum, 0, 1e-7);
}

static void test_layernorm_fusions() {
    test_residual_layernorm(37, 100);
    test_residual_layernorm(9, 33);
    test_residual_layernorm(1, 7);
}

static void test_embedding() {
    int vocab = 50, c = 12, n = 200;
    Vec ids(n);
    for (auto& v : ids) v = (float)(3 * uniform(5));                          // 5 distinct ids, each ~40 times
    // status slots start as all ones; a bad id leaves (position << 32 | its float bits) in its check's slot
    const unsigned long long CLEAN = ~0ull;
    std::vector<int> idx(n);
    std::vector<unsigned long long> status(3, CLEAN);
    emu::launch(index_check, d3(1), d3(64), n, vocab, 0, 0, ids.data(), idx.data(), status.data(), 0);
    if (status[0] != CLEAN) {
        std::printf("FAIL index_check flagged position %d of valid ids\n", (int)(status[0] >> 32));
        failures++;
    }
    Vec bad = {1, -100, 7, -2147483648.0f, 2.5f, 50};
    std::vector<int> bi(6);
    emu::launch(index_check, d3(1), d3(32), 6, vocab, -100, 1, bad.data(), bi.data(), status.data(), 1);
    if (status[1] != ((3ull << 32) | __float_as_uint(bad[3])) || bi[1] != -100 || status[0] != CLEAN) {
        std::printf("FAIL index_check: slot 1 holds %llx, expected position 3 with the bits of %g (ignored -100 -> "
                    "%d)\n", status[1], bad[3], bi[1]);
        failures++;
    }
    emu::launch(index_check, d3(1), d3(32), 6, vocab, 0, 0, bad.data(), bi.data(), status.data(), 2);
    if (status[2] != ((1ull << 32) | __float_as_uint(-100.0f))) {
        std::printf("FAIL index_check without an allowed value: slot 2 holds %llx, expected position 1\n", status[2]);
        failures++;
    }
    Vec table = normal(vocab * c), out(n * c);
    emu::launch(embedding_forward, d3(4), d3(128), n, c, idx.data(), table.data(), out.data());
    Ref wf(n * c);
    for (int p = 0; p < n; p++)
        for (int j = 0; j < c; j++) wf[p * c + j] = table[(int)ids[p] * c + j];
    check("embedding forward", out, wf, 0, 0);

    Vec g = normal(n * c), dtable(vocab * c, NAN);
    std::vector<int> counts(vocab, 0), starts(vocab), cursor(vocab), positions(n);
    emu::launch(embedding_count, d3(2), d3(64), n, idx.data(), counts.data());
    emu::launch(scan_exclusive_int, d3(1), d3(1024), vocab, counts.data(), starts.data(), cursor.data());
    emu::launch(embedding_scatter, d3(2), d3(64), n, idx.data(), cursor.data(), positions.data());
    emu::launch(embedding_sort_buckets, d3(1), d3(64), vocab, starts.data(), counts.data(), positions.data());
    emu::launch(embedding_accumulate, d3(3), d3(128), vocab, c, starts.data(), counts.data(), positions.data(), g.data(),
                dtable.data());
    Ref wb(vocab * c, 0);
    Vec exact(vocab * c, 0.0f);                                                // float sums in position order
    for (int p = 0; p < n; p++)
        for (int j = 0; j < c; j++) exact[(int)ids[p] * c + j] += g[p * c + j];
    for (size_t k = 0; k < exact.size(); k++) wb[k] = exact[k];
    check("embedding backward (bitwise, position order)", dtable, wb, 0, 0);
    std::vector<int> big(3000), bigStarts(3000), bigCursor(3000);
    for (auto& v : big) v = uniform(3);
    emu::launch(scan_exclusive_int, d3(1), d3(1024), 3000, big.data(), bigStarts.data(), bigCursor.data());
    int run = 0;
    for (int k = 0; k < 3000; k++) {
        if (bigStarts[k] != run || bigCursor[k] != run) {
            std::printf("FAIL scan_exclusive_int at %d: %d, expected %d\n", k, bigStarts[k], run);
            failures++;
            break;
        }
        run += big[k];
    }
}

// The in-place pair: loss lse − x_t and the row overwritten with softmax − one-hot; ignored rows 0 and zeros.
static void test_crossentropy_inplace(int rows, int c, int ignore) {
    Vec logits = normal(rows * c, 3), z = logits, loss(rows, NAN);
    std::vector<int> t(rows);
    for (int r = 0; r < rows; r++) t[r] = r % 4 == 3 ? ignore : uniform(c);
    emu::launch(crossentropy_inplace, d3(rows), d3(256), rows, c, ignore, z.data(), t.data(), loss.data());
    Ref wl(rows, 0), wz(rows * c, 0);
    for (int r = 0; r < rows; r++) {
        if (t[r] == ignore) continue;
        double m = -INFINITY, s = 0;
        for (int j = 0; j < c; j++) m = std::max(m, (double)logits[r * c + j]);
        for (int j = 0; j < c; j++) s += std::exp(logits[r * c + j] - m);
        double lse = m + std::log(s);
        wl[r] = lse - logits[r * c + t[r]];
        for (int j = 0; j < c; j++) wz[r * c + j] = std::exp(logits[r * c + j] - lse) - (j == t[r] ? 1 : 0);
    }
    check("crossentropy in place, loss, c " + std::to_string(c), loss, wl, 1e-5, 1e-5);
    check("crossentropy in place, logits, c " + std::to_string(c), z, wz, 1e-6, 1e-4);
}

static void test_crossentropy() {
    int rows = 9, c = 37, ignore = -100;
    float eps = 0.1f;
    Vec logits = normal(rows * c, 3), loss(rows), rowGrad = normal(rows), d(rows * c);
    std::vector<int> t(rows);
    for (int r = 0; r < rows; r++) t[r] = r % 4 == 3 ? ignore : uniform(c);
    emu::launch(crossentropy_forward, d3(rows), d3(256), rows, c, ignore, eps, logits.data(), t.data(), loss.data());
    emu::launch(crossentropy_backward, d3(rows), d3(256), rows, c, ignore, eps, logits.data(), t.data(), rowGrad.data(),
                d.data());
    Ref wl(rows), wd(rows * c, 0);
    for (int r = 0; r < rows; r++) {
        if (t[r] == ignore) continue;
        double m = -INFINITY, s = 0, sumAll = 0;
        for (int j = 0; j < c; j++) m = std::max(m, (double)logits[r * c + j]);
        for (int j = 0; j < c; j++) s += std::exp(logits[r * c + j] - m);
        double lse = m + std::log(s);
        for (int j = 0; j < c; j++) sumAll += lse - logits[r * c + j];
        wl[r] = (1 - eps) * (lse - logits[r * c + t[r]]) + eps / c * sumAll;
        for (int j = 0; j < c; j++)
            wd[r * c + j] = rowGrad[r] * (std::exp(logits[r * c + j] - lse) - (eps / c + (j == t[r] ? 1 - eps : 0)));
    }
    check("crossentropy forward", loss, wl, 1e-5, 1e-5);
    check("crossentropy backward", d, wd, 1e-6, 1e-4);
    for (int width : {c, 600}) test_crossentropy_inplace(rows, width, ignore);
}

// A multi-tensor table as MultiTensorTable.java builds it: one entry per non-empty tensor, blocks of MULTI_CHUNK
// elements numbered across the entries. `tensors[k]` are the up to five arrays of tensor k. Returns the block count.
static int multi_table(std::vector<TensorEntry>& table, const std::vector<std::vector<float*>>& tensors,
                       const std::vector<int>& sizes, const std::vector<std::vector<float>>& scalars) {
    int blocks = 0;
    for (size_t k = 0; k < sizes.size(); k++) {
        if (sizes[k] == 0) continue;
        TensorEntry e{};
        for (size_t j = 0; j < tensors[k].size(); j++) e.t[j] = tensors[k][j];
        e.n = sizes[k];
        e.firstBlock = blocks;
        for (size_t j = 0; j < scalars[k].size(); j++) e.s[j] = scalars[k][j];
        table.push_back(e);
        blocks += (int)cdiv(sizes[k], MULTI_CHUNK);
    }
    return blocks;
}

// adam_multi over tensors of sizes that end inside, at and past a chunk boundary (and an empty one), each with its
// own step, rate and decay: bitwise the CPU loop's float arithmetic, and close to PyTorch's formula in double.
static void test_adam_multi(int amsgrad, int decoupled) {
    std::vector<int> sizes = {300, 0, 4096, 4097, 9000, 1};
    float b1 = 0.9f, c1 = (float)(1 - 0.9), b2 = 0.95f, c2 = (float)(1 - 0.95), eps = 1e-8f;
    std::vector<Vec> p(sizes.size()), g(sizes.size()), m(sizes.size()), v(sizes.size()), vmax(sizes.size());
    std::vector<std::vector<float*>> tensors;
    std::vector<std::vector<float>> scalars;
    std::vector<double> lr, wd;
    std::vector<int> step;
    for (size_t k = 0; k < sizes.size(); k++) {
        int n = sizes[k];
        p[k] = normal(n), g[k] = normal(n), m[k] = normal(n, 0.1), v[k] = Vec(n), vmax[k] = Vec(n);
        for (int i = 0; i < n; i++) v[k][i] = vmax[k][i] = std::fabs(m[k][i]);
        tensors.push_back({p[k].data(), g[k].data(), m[k].data(), v[k].data(), amsgrad ? vmax[k].data() : nullptr});
        lr.push_back(0.01 * (k + 1));
        wd.push_back(k % 2 ? 0.0 : 0.1);
        step.push_back((int)k + 2);
        double bc1 = 1 - std::pow(0.9, step[k]), bc2 = 1 - std::pow(0.95, step[k]);
        scalars.push_back({(float)(lr[k] / bc1), (float)(1 / std::sqrt(bc2)),
                           decoupled && wd[k] != 0 ? (float)(1 - lr[k] * wd[k]) : 1.0f,
                           !decoupled && wd[k] != 0 ? (float)wd[k] : 0.0f});
    }
    std::vector<Vec> p0 = p, m0 = m, v0 = v, vmax0 = vmax;
    std::vector<TensorEntry> table;
    int blocks = multi_table(table, tensors, sizes, scalars);
    float nonFinite = 0;
    emu::launch(adam_multi, d3(blocks), d3(256), (int)table.size(), table.data(), b1, c1, b2, c2, eps, amsgrad,
                &nonFinite);
    std::string flag = "adam_multi amsgrad " + std::to_string(amsgrad) + " decoupled " + std::to_string(decoupled);
    if (nonFinite != 0) {
        std::printf("FAIL %s: raised the non-finite flag on finite values\n", flag.c_str());
        failures++;
    }
    for (size_t k = 0; k < sizes.size(); k++) {
        int n = sizes[k];
        const std::vector<float>& s = scalars[k];
        Ref same(n), near(n);
        for (int i = 0; i < n; i++) {
            float gi = s[3] != 0.0f ? g[k][i] + p0[k][i] * s[3] : g[k][i];
            float mi = m0[k][i] * b1 + gi * c1, vi = v0[k][i] * b2 + gi * gi * c2;
            if (amsgrad) vi = std::max(vmax0[k][i], vi);
            same[i] = p0[k][i] * s[2] - mi / (std::sqrt(vi) * s[1] + eps) * s[0];
            double th = p0[k][i], d = g[k][i];
            if (decoupled) th *= 1 - lr[k] * wd[k];
            else d += wd[k] * th;
            double md = 0.9 * m0[k][i] + 0.1 * d, vd = 0.95 * v0[k][i] + 0.05 * d * d;
            if (amsgrad) vd = std::max((double)vmax0[k][i], vd);
            near[i] = th - lr[k] * (md / (1 - std::pow(0.9, step[k]))) /
                               (std::sqrt(vd / (1 - std::pow(0.95, step[k]))) + 1e-8);
        }
        std::string what = "adam_multi amsgrad " + std::to_string(amsgrad) + " decoupled " + std::to_string(decoupled) +
                           " tensor " + std::to_string(k);
        check(what + ", as the CPU rounds", p[k], same, 0, 0);
        check(what + ", PyTorch's formula in double", p[k], near, 1e-6, 1e-5);
    }
    // one NaN gradient and then one infinite θ, each in the last chunk of the largest tensor, raise the flag
    for (float poison : {NAN, INFINITY}) {
        std::vector<float>& target = poison != poison ? g[4] : p[4];
        float kept = target[8999];
        target[8999] = poison;
        nonFinite = 0;
        emu::launch(adam_multi, d3(blocks), d3(256), (int)table.size(), table.data(), b1, c1, b2, c2, eps, amsgrad,
                    &nonFinite);
        if (!std::isnan(nonFinite)) {
            std::printf("FAIL %s: %s did not raise the non-finite flag\n", flag.c_str(),
                        poison != poison ? "a NaN gradient" : "an infinite parameter");
            failures++;
        }
        target[8999] = kept;
    }
}

static void test_optim() {
    int n = 300;
    Vec p0 = normal(n), g = normal(n);
    for (int amsgrad = 0; amsgrad <= 1; amsgrad++)
        for (int decoupled = 0; decoupled <= 1; decoupled++) test_adam_multi(amsgrad, decoupled);
    Vec p = p0, buf = normal(n);
    Vec buf0 = buf;
    emu::launch(sgd_step, d3(1), d3(128), n, p.data(), g.data(), buf.data(), 0.1f, 0.9f, 0.1f, 0.01f, 1, 0);
    Ref wp(n);
    for (int i = 0; i < n; i++) {
        double d = g[i] + 0.01 * p0[i], b = 0.9 * buf0[i] + 0.9 * d;
        wp[i] = p0[i] - 0.1 * (d + 0.9 * b);
    }
    check("sgd_step nesterov", p, wp, 1e-6, 1e-5);
    p = p0;
    Vec sq(n), avg(n, 0.0f), mb(n, 0.0f);
    for (int i = 0; i < n; i++) sq[i] = std::fabs(g[(i + 1) % n]);
    Vec sq0 = sq;
    emu::launch(rmsprop_step, d3(1), d3(128), n, p.data(), g.data(), sq.data(), avg.data(), mb.data(), 0.01f, 0.99f,
                1e-8f, 0.0f, 0.5f, 1);
    for (int i = 0; i < n; i++) {
        double d = g[i], v = 0.99 * sq0[i] + 0.01 * d * d, a = 0.01 * d;
        wp[i] = p0[i] - 0.01 * (d / (std::sqrt(v - a * a) + 1e-8));
    }
    check("rmsprop_step centered", p, wp, 1e-6, 1e-4);
    std::vector<int> sizes = {5000, 0, 1, 4096, 12289};
    std::vector<Vec> xs;
    std::vector<std::vector<float*>> tensors;
    double want = 3;
    for (int size : sizes) {
        xs.push_back(normal(size));
        for (float x : xs.back()) want += (double)x * x;
    }
    for (Vec& x : xs) tensors.push_back({x.data()});
    std::vector<TensorEntry> table;
    int blocks = multi_table(table, tensors, sizes, std::vector<std::vector<float>>(sizes.size()));
    Vec partials(blocks), total = {3.0f};
    emu::launch(sumsq_multi, d3(blocks), d3(256), (int)table.size(), table.data(), partials.data());
    emu::launch(sum_partials, d3(1), d3(1024), blocks, partials.data(), total.data(), 1);
    check("sumsq_multi + sum_partials (accumulate)", total, Ref{want}, 1e-3, 1e-5);
}

// Causal attention per (b, h) in double: p_ts = softmax_s(q_t·k_s/√hs) over s ≤ t, out_t = Σ p_ts·v_s, and the
// backward of the explicit formulas (dv = Σ_t p·dout, ds = p·(dout·v − D), dq = Σ_s ds·k/√hs, dk = Σ_t ds·q/√hs).
static void test_attention() {
    // (B, T, heads, hs): odd sizes, T = 1, several key tiles of 32, each v2 head-size class at its limit and past 64
    int shapes[][4] = {{2, 37, 3, 5}, {1, 1, 1, 1}, {1, 70, 2, 40}, {1, 33, 1, 128}, {1, 50, 2, 64}, {1, 41, 1, 96}};
    for (auto& sh : shapes) {
        int B = sh[0], T = sh[1], H = sh[2], hs = sh[3], C = H * hs, rows = B * H * T;
        std::string tag = " B" + std::to_string(B) + " T" + std::to_string(T) + " heads" + std::to_string(H) + " hs" +
                          std::to_string(hs);
        double scale = 1 / std::sqrt((double)hs);
        Vec qkv = normal((size_t)B * T * 3 * C, 1.5), out((size_t)B * T * C, NAN), lse(rows, NAN);
        Vec dout = normal((size_t)B * T * C), delta(rows, NAN), dqkv(qkv.size(), NAN);
        emu::launch(attention_forward, d3(cdiv(rows, 8)), d3(256), rows, T, H, hs, (float)scale, qkv.data(), out.data(),
                    lse.data());
        Ref wo(out.size()), wl(rows), wd(rows), wg(qkv.size(), 0);
        auto at = [&](int b, int t, int part, int h, int d) { return (size_t)(b * T + t) * 3 * C + part * C + h * hs + d; };
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                std::vector<Ref> p(T, Ref(T, 0));
                for (int t = 0; t < T; t++) {
                    double m = -INFINITY, sum = 0;
                    Ref score(t + 1);
                    for (int s = 0; s <= t; s++) {
                        double dot = 0;
                        for (int d = 0; d < hs; d++) dot += (double)qkv[at(b, t, 0, h, d)] * qkv[at(b, s, 1, h, d)];
                        score[s] = dot * scale;
                        m = std::max(m, score[s]);
                    }
                    for (int s = 0; s <= t; s++) sum += std::exp(score[s] - m);
                    int row = (b * H + h) * T + t;
                    wl[row] = m + std::log(sum);
                    double D = 0;
                    for (int d = 0; d < hs; d++) {
                        double o = 0;
                        for (int s = 0; s <= t; s++) o += std::exp(score[s] - wl[row]) * qkv[at(b, s, 2, h, d)];
                        wo[(size_t)(b * T + t) * C + h * hs + d] = o;
                        D += o * dout[(size_t)(b * T + t) * C + h * hs + d];
                    }
                    wd[row] = D;
                    for (int s = 0; s <= t; s++) {
                        double pts = std::exp(score[s] - wl[row]), dp = 0;
                        for (int d = 0; d < hs; d++) dp += (double)dout[(size_t)(b * T + t) * C + h * hs + d] * qkv[at(b, s, 2, h, d)];
                        double ds = pts * (dp - D);
                        for (int d = 0; d < hs; d++) {
                            wg[at(b, t, 0, h, d)] += scale * ds * qkv[at(b, s, 1, h, d)];
                            wg[at(b, s, 1, h, d)] += scale * ds * qkv[at(b, t, 0, h, d)];
                            wg[at(b, s, 2, h, d)] += pts * dout[(size_t)(b * T + t) * C + h * hs + d];
                        }
                    }
                }
            }
        check("attention forward out" + tag, out, wo, 1e-5, 1e-4);
        check("attention forward lse" + tag, lse, wl, 1e-5, 1e-5);
        emu::launch(attention_backward_dq, d3(cdiv(rows, 8)), d3(256), rows, T, H, hs, (float)scale, qkv.data(),
                    out.data(), lse.data(), dout.data(), delta.data(), dqkv.data());
        emu::launch(attention_backward_dkv, d3(cdiv(rows, 8)), d3(256), rows, T, H, hs, (float)scale, qkv.data(),
                    lse.data(), dout.data(), delta.data(), dqkv.data());
        check("attention backward delta" + tag, delta, wd, 1e-5, 1e-4);
        check("attention backward dqkv" + tag, dqkv, wg, 1e-4, 1e-3);
        // v2, tiled: the head-size class that serves hs, its rows per block as the Java side launches them
        bool small = hs <= 64;
        int fwdRows = 4 * 4, dqRows = small ? 16 : 8, dkvRows = small ? 16 : 8;
        Vec out2(out.size(), NAN), lse2(rows, NAN), delta2(rows, NAN), dqkv2(qkv.size(), NAN);
        emu::launch(small ? attention_forward_v2_hs64 : attention_forward_v2_hs128, d3(cdiv(T, fwdRows), B * H), d3(128),
                    T, H, hs, (float)scale, qkv.data(), out2.data(), lse2.data());
        check("attention v2 forward out" + tag, out2, wo, 1e-5, 1e-4);
        check("attention v2 forward lse" + tag, lse2, wl, 1e-5, 1e-5);
        emu::launch(small ? attention_backward_dq_v2_hs64 : attention_backward_dq_v2_hs128, d3(cdiv(T, dqRows), B * H),
                    d3(128), T, H, hs, (float)scale, qkv.data(), out2.data(), lse2.data(), dout.data(), delta2.data(),
                    dqkv2.data());
        emu::launch(small ? attention_backward_dkv_v2_hs64 : attention_backward_dkv_v2_hs128,
                    d3(cdiv(T, dkvRows), B * H), d3(128), T, H, hs, (float)scale, qkv.data(), lse2.data(), dout.data(),
                    delta2.data(), dqkv2.data());
        check("attention v2 backward delta" + tag, delta2, wd, 1e-5, 1e-4);
        check("attention v2 backward dqkv" + tag, dqkv2, wg, 1e-4, 1e-3);
    }
}

typedef void (*Matmul)(int, int, int, const float*, const float*, float*, int, int, int);
typedef void (*Matmul7)(int, int, int, const float*, const float*, float*, int, int, int, int, int);

static void test_matmul() {
    struct Version {
        const char* name;
        Matmul kernel;
        int bm, bn, threads, rowsOnX, square;
    } versions[] = {{"v1", matmul_v1, V1_BS, V1_BS, V1_BS * V1_BS, 1, 1},
                    {"v2", matmul_v2, V2_BS, V2_BS, V2_BS * V2_BS, 0, 1},
                    {"v3", matmul_v3, V3_TILE, V3_TILE, V3_TILE * V3_TILE, 0, 1},
                    {"v4", matmul_v4, V4_BM, V4_BN, V4_NT, 0, 0},
                    {"v5", matmul_v5, V5_BM, V5_BN, V5_NT, 0, 0},
                    {"v6", matmul_v6, V6_BM, V6_BN, V6_NT, 0, 0}};
    int shapes[][3] = {{1, 1, 1}, {7, 33, 1}, {33, 7, 100}, {33, 64, 101}, {65, 40, 260}, {20, 64, 132}};
    for (auto& sh : shapes) {
        int m = sh[0], k = sh[1], n = sh[2], batch = 2;
        Vec a = normal((size_t)batch * m * k), b = normal((size_t)batch * k * n);
        Ref want((size_t)batch * m * n);
        for (int z = 0; z < batch; z++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int q = 0; q < k; q++) acc += (double)a[(size_t)z * m * k + i * k + q] * b[(size_t)z * k * n + q * n + j];
                    want[(size_t)z * m * n + i * n + j] = acc;
                }
        for (auto& v : versions) {
            Vec c((size_t)batch * m * n, NAN);
            dim3 grid = v.rowsOnX ? d3(cdiv(m, v.bm), cdiv(n, v.bm), batch) : d3(cdiv(n, v.bn), cdiv(m, v.bm), batch);
            dim3 block = v.square ? d3(v.bm, v.bm) : d3(v.threads);
            emu::launch(v.kernel, grid, block, m, n, k, a.data(), b.data(), c.data(), m * k, k * n, m * n);
            check(std::string("matmul ") + v.name + " M" + std::to_string(m) + " K" + std::to_string(k) + " N" +
                      std::to_string(n), c, want, 1e-5 * k + 1e-6, 1e-5);
        }
    }
}

// v7 reads transposed operands in place: A stored (K, M) when transA, B stored (N, K) when transB. Every
// combination, both tile sizes, odd shapes (and M past one 128-row tile), a batch with strides, a shared B.
static void test_matmul_v7() {
    struct Tile {
        const char* name;
        Matmul7 kernel;
        int bm, bn;
    } tiles[] = {{"v7 large", matmul_v7_large, 128, 128}, {"v7 small", matmul_v7_small, 64, 64}};
    int shapes[][3] = {{1, 1, 1}, {7, 33, 1}, {33, 7, 100}, {65, 40, 260}, {130, 9, 67}, {20, 64, 132}};
    for (auto& sh : shapes) {
        int m = sh[0], k = sh[1], n = sh[2], batch = 2;
        Vec a = normal((size_t)batch * m * k), b = normal((size_t)batch * k * n);   // logical A (M, K), B (K, N)
        for (int shared = 0; shared <= 1; shared++) {
            Ref want((size_t)batch * m * n);
            for (int z = 0; z < batch; z++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int q = 0; q < k; q++)
                            acc += (double)a[(size_t)z * m * k + i * k + q] * b[(size_t)(shared ? 0 : z) * k * n + q * n + j];
                        want[(size_t)z * m * n + i * n + j] = acc;
                    }
            for (int ta = 0; ta <= 1; ta++)
                for (int tb = 0; tb <= 1; tb++) {
                    Vec as = a, bs = b;                                  // as stored: transposed copies when asked
                    for (int z = 0; z < batch; z++) {
                        for (int i = 0; i < m; i++)
                            for (int q = 0; q < k; q++)
                                if (ta) as[(size_t)z * m * k + q * m + i] = a[(size_t)z * m * k + i * k + q];
                        for (int q = 0; q < k; q++)
                            for (int j = 0; j < n; j++)
                                if (tb) bs[(size_t)z * k * n + j * k + q] = b[(size_t)z * k * n + q * n + j];
                    }
                    for (auto& t : tiles) {
                        Vec c((size_t)batch * m * n, NAN);
                        emu::launch(t.kernel, d3(cdiv(n, t.bn), cdiv(m, t.bm), batch), d3(256), m, n, k, as.data(),
                                    bs.data(), c.data(), m * k, shared ? 0 : k * n, m * n, ta, tb);
                        check(std::string(t.name) + (ta ? " transA" : "") + (tb ? " transB" : "") +
                                  (shared ? " sharedB" : "") + " M" + std::to_string(m) + " K" + std::to_string(k) +
                                  " N" + std::to_string(n),
                              c, want, 1e-5 * k + 1e-6, 1e-5);
                    }
                }
        }
    }
}

int main(int argc, char** argv) {
    struct {
        const char* name;
        void (*run)();
    } tests[] = {{"elementwise", test_elementwise}, {"bias_gelu", test_bias_gelu}, {"layout", test_layout},
                 {"reduce", test_reduce}, {"softmax", test_softmax}, {"layernorm", test_layernorm},
                 {"layernorm_fusions", test_layernorm_fusions}, {"embedding", test_embedding},
                 {"crossentropy", test_crossentropy}, {"attention", test_attention}, {"optim", test_optim}, {"matmul", test_matmul},
                 {"matmul_v7", test_matmul_v7}};
    for (auto& t : tests)
        if (argc < 2 || std::string(argv[1]) == t.name) t.run();
    if (failures > 0) {
        std::printf("%d check(s) failed\n", failures);
        return 1;
    }
    return 0;
}
