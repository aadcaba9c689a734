/**
 * The kernel families, one class per {@code .cu} file (elementwise, layout, reduce, softmax, layer norm, ids,
 * embedding, cross-entropy, attention, optimizer updates), and what a launch is made of: the catalog
 * {@link dev.descent.cuda.kernels.Kernels} of entry points with their parameter letters, launch shapes, the
 * host-packed {@link dev.descent.cuda.kernels.StridedLayout}, and {@link dev.descent.cuda.kernels.KernelStream},
 * the queue a family launches on. Matmul, the biggest family, has its own subpackage.
 */
package dev.descent.cuda.kernels;
