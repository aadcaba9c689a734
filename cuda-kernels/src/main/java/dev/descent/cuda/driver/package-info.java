/**
 * The JCuda driver API: {@link dev.descent.cuda.driver.CudaDevice} (the primary context, the one stream, copies
 * and kernel launches; it is the {@link dev.descent.cuda.kernels.KernelStream} the families use), module loading
 * with the driver's JIT, {@code cuMemAlloc}/{@code cuMemFree} behind the allocator, what the driver reports about
 * a GPU, and the translation of error codes into exceptions.
 */
package dev.descent.cuda.driver;
