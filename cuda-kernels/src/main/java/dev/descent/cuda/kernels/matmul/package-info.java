/**
 * Matrix products: the hand-written versions of {@code matmul.cu} ({@link dev.descent.cuda.kernels.matmul.MatmulEngine}),
 * their tile configurations ({@link dev.descent.cuda.kernels.matmul.MatmulConfig}), the batched product with
 * transposed and shared operands ({@link dev.descent.cuda.kernels.matmul.CudaMatmul}), and cuBLAS SGEMM, the
 * yardstick ({@link dev.descent.cuda.kernels.matmul.CublasMatmul}).
 */
package dev.descent.cuda.kernels.matmul;
