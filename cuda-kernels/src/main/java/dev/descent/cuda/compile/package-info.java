/**
 * From {@code .cu} source to PTX: {@link dev.descent.cuda.compile.KernelSource} (a file and its headers from the
 * class path), the compilers (NVRTC in-process, the nvcc program), {@link dev.descent.cuda.compile.CompilerChoice}
 * for the card present, and {@link dev.descent.cuda.compile.PtxBuilder} with its on-disk
 * {@link dev.descent.cuda.compile.PtxCache}. Knows nothing of the driver: loading PTX is the driver package's job.
 */
package dev.descent.cuda.compile;
