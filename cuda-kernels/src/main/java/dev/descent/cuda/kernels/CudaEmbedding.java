package dev.descent.cuda.kernels;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.Arrays;

/**
 * Embedding lookup and its backward on {@code embedding.cu}. The backward is deterministic: positions are
 * bucketed by id (count, exclusive scan, scatter, sort each bucket), then each table row adds its gradients in
 * position order. No float atomics, so two runs give bitwise equal gradients.
 */
public final class CudaEmbedding {
    private static final int THREADS = 256;
    private static final int SCAN_THREADS = 1024;

    private final CudaTensors tensors;
    private final KernelStream stream;
    private final CudaIndices indices;

    public CudaEmbedding(CudaTensors tensors, KernelStream stream, CudaIndices indices) {
        this.tensors = tensors;
        this.stream = stream;
        this.indices = indices;
    }

    /** What an id must index, as the CPU backend names it in its error. */
    static String vocabulary(int vocab) {
        return "a vocabulary of size " + vocab;
    }

    /** table (V, C), ids (..) -> (.., C). */
    public Tensor forward(Tensor table, Tensor ids) {
        int vocab = table.dim(0);
        int c = table.dim(1);
        int n = ids.numel();
        int[] dims = Arrays.copyOf(ids.shape().dims(), ids.rank() + 1);
        dims[ids.rank()] = c;
        DeviceBuffer idx = indices.toInts("embedding", ids, vocab, vocabulary(vocab));
        try {
            Tensor out = tensors.empty(Shape.of(dims));
            if ((long) n * c > 0) {
                stream.launch(Kernels.EMBEDDING_FORWARD, LaunchShape.strided((long) n * c, THREADS), n, c, idx,
                        tensors.checked(table), out);
            }
            return out;
        } finally {
            idx.release();
        }
    }

    /** g (.., C), ids (..) -> dtable (vocab, C): Σ of g over the positions holding each id. */
    public Tensor backward(Tensor g, Tensor ids, int vocab) {
        int c = g.dim(-1);
        int n = ids.numel();
        Tensor out = tensors.empty(Shape.of(vocab, c));
        if ((long) vocab * c == 0) {
            return out;
        }
        DeviceBuffer idx = indices.toInts("embedding", ids, vocab, vocabulary(vocab));
        DeviceBuffer counts = tensors.scratch(4L * vocab);
        DeviceBuffer starts = tensors.scratch(4L * vocab);
        DeviceBuffer cursor = tensors.scratch(4L * vocab);
        DeviceBuffer positions = tensors.scratch(4L * n);
        try {
            stream.fillWords(counts, 0, vocab);
            LaunchShape perPosition = LaunchShape.strided(n, THREADS);
            if (n > 0) {
                stream.launch(Kernels.EMBEDDING_COUNT, perPosition, n, idx, counts);
            }
            stream.launch(Kernels.SCAN_EXCLUSIVE_INT, LaunchShape.perItem(1, SCAN_THREADS), vocab, counts, starts, cursor);
            if (n > 0) {
                stream.launch(Kernels.EMBEDDING_SCATTER, perPosition, n, idx, cursor, positions);
                stream.launch(Kernels.EMBEDDING_SORT_BUCKETS, LaunchShape.strided(vocab, THREADS), vocab, starts, counts,
                        positions);
            }
            stream.launch(Kernels.EMBEDDING_ACCUMULATE, LaunchShape.strided((long) vocab * c, THREADS), vocab, c, starts,
                    counts, positions, tensors.checked(g), out);
        } finally {
            idx.release();
            counts.release();
            starts.release();
            cursor.release();
            positions.release();
        }
        return out;
    }
}
