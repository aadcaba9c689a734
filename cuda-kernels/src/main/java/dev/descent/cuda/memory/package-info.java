/**
 * Device memory: the {@link dev.descent.cuda.memory.CachingAllocator} over a two-method
 * {@link dev.descent.cuda.memory.DeviceMemory} (so it is tested on a fake device), its
 * {@link dev.descent.cuda.memory.DeviceBuffer}s, the {@link dev.descent.cuda.memory.CudaStorage} a tensor holds,
 * and {@link dev.descent.cuda.memory.CudaTensors}, the factory every kernel family allocates through.
 */
package dev.descent.cuda.memory;
