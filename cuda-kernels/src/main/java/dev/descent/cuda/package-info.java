/**
 * The CUDA backend: {@link dev.descent.cuda.CudaBackend} (the composition root, and the only class most code
 * needs), {@link dev.descent.cuda.CudaOptions}, the exceptions a caller may catch, and
 * {@link dev.descent.cuda.NativeLibraries} (which CUDA libraries this machine has).
 *
 * <p>Subpackages, one job each; the arrows are the only dependencies between them (plus this package's
 * exceptions):
 * <pre>
 *   memory    allocator, device buffers, CUDA tensors and their factory      (core)
 *   compile   kernel sources, NVRTC / nvcc, PTX cache                         (nothing)
 *   kernels   launch catalog and shapes, KernelStream; one class per family   -&gt; memory
 *   driver    context, stream, launches, module loading, device facts         -&gt; memory, compile, kernels
 *   kernels.matmul  engines, tile configurations, cuBLAS                      -&gt; kernels, memory, driver (cuBLAS)
 *   doctor    what the backend needs and finds on this machine                -&gt; compile, driver
 * </pre>
 * A kernel family gets a {@link dev.descent.cuda.memory.CudaTensors} to allocate and a
 * {@link dev.descent.cuda.kernels.KernelStream} to launch on, never the backend. Benchmark mains live with the
 * tests ({@code src/test/java/dev/descent/cuda/bench}) and run on a GPU machine from the test classes.
 */
package dev.descent.cuda;
