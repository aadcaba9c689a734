"""NumPy side of descent's matmul benchmark (run by dev.descent.core.bench.MatmulBenchmark).

Protocol on stdin/stdout, one line each way:
  first output line:  "numpy <version> <BLAS library and version>"
  request  "M K N REPS" -> reply: REPS wall times in seconds of np.matmul(a, b), a (M, K), b (K, N) float32,
                           after one untimed warm-up call;
  request  "M K N REPS t" -> the same for np.matmul(a, b.T) with b stored as (N, K): B transposed, as a Linear's
                           weight is in its forward pass.
It ends at end of input.
"""
import ctypes
import glob
import os
import sys
import time

import numpy as np


def blas_name():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')}-{blas.get('version', '?')}{openblas_core()}"
    except Exception:  # older NumPy without mode="dicts"
        return "blas-unknown"


def openblas_core():
    """" (core Haswell)": the kernels OpenBLAS chose for this CPU, or "" where that cannot be asked.

    OpenBLAS picks its kernels by the CPU model it knows: on a CPU newer than it (AMD Zen 5 with OpenBLAS 0.3.31)
    it falls back to its AVX2 kernels, at half the speed of its AVX-512 ones, unless OPENBLAS_CORETYPE names them.
    """
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in glob.glob(libs):
        lib = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            corename = getattr(lib, symbol, None)
            if corename is not None:
                corename.restype = ctypes.c_char_p
                return f" (core {corename().decode()})"
    return ""


def main():
    print(f"numpy {np.__version__} {blas_name()}", flush=True)
    rng = np.random.default_rng(0)
    cache = {}
    for line in sys.stdin:
        fields = line.split()
        m, k, n, reps = (int(v) for v in fields[:4])
        transposed = fields[4:] == ["t"]
        key = (m, k, n, transposed)
        if key not in cache:
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((n, k) if transposed else (k, n), dtype=np.float32)
            cache[key] = (a, b.T if transposed else b)
        a, b = cache[key]
        np.matmul(a, b)
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            np.matmul(a, b)
            times.append(time.perf_counter() - start)
        print(" ".join(f"{t:.6f}" for t in times), flush=True)


if __name__ == "__main__":
    main()
