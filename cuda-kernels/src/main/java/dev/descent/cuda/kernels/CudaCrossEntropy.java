package dev.descent.cuda.kernels;

import dev.descent.core.Tensor;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import java.util.function.Function;

/**
 * Per-row cross-entropy with label smoothing and an ignored target, its logits gradient, and the in-place pair of
 * both (no smoothing), on {@code crossentropy.cu}.
 */
public final class CudaCrossEntropy {
    private static final int THREADS = 256;

    private final CudaTensors tensors;
    private final KernelStream stream;
    private final CudaIndices indices;

    public CudaCrossEntropy(CudaTensors tensors, KernelStream stream, CudaIndices indices) {
        this.tensors = tensors;
        this.stream = stream;
        this.indices = indices;
    }

    /** logits (N, C), targets (N) -> loss per row (N). */
    public Tensor forward(Tensor logits, Tensor targets, int ignoreIndex, float smoothing) {
        int rows = targets.numel();
        return withTargets(logits, targets, ignoreIndex, t -> {
            Tensor loss = tensors.empty(targets.shape());
            if (rows > 0) {
                stream.launch(Kernels.CROSSENTROPY_FORWARD, LaunchShape.perItem(rows, THREADS), rows, logits.dim(1),
                        ignoreIndex, smoothing, tensors.checked(logits), t, loss);
            }
            return loss;
        });
    }

    /** dlogits (N, C) = rowGrad_n · (softmax(logits_n) − smoothed one-hot), zero rows where ignored. */
    public Tensor backward(Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex, float smoothing) {
        int rows = targets.numel();
        return withTargets(logits, targets, ignoreIndex, t -> {
            Tensor d = tensors.empty(logits.shape());
            if (rows > 0) {
                stream.launch(Kernels.CROSSENTROPY_BACKWARD, LaunchShape.perItem(rows, THREADS), rows, logits.dim(1),
                        ignoreIndex, smoothing, tensors.checked(logits), t, tensors.checked(rowGrad), d);
            }
            return d;
        });
    }

    /** loss per row (N) = −log softmax(logits_n)[y_n]; overwrites logits (N, C) with softmax − one-hot. */
    public Tensor inPlace(Tensor logits, Tensor targets, int ignoreIndex) {
        int rows = targets.numel();
        return withTargets(logits, targets, ignoreIndex, t -> {
            Tensor loss = tensors.empty(targets.shape());
            if (rows > 0) {
                stream.launch(Kernels.CROSSENTROPY_INPLACE, LaunchShape.perItem(rows, THREADS), rows, logits.dim(1),
                        ignoreIndex, tensors.checked(logits), t, loss);
            }
            return loss;
        });
    }

    /** What a target must index, as the CPU backend names it in its error. */
    static String classes(int c, int ignoreIndex) {
        return c + " classes (ignoreIndex " + ignoreIndex + ")";
    }

    /** Runs {@code body} with the targets checked and converted to device ints, released afterwards. */
    private Tensor withTargets(Tensor logits, Tensor targets, int ignoreIndex, Function<DeviceBuffer, Tensor> body) {
        int c = logits.dim(1);
        DeviceBuffer t = indices.toInts("crossEntropy", targets, c, ignoreIndex, true, classes(c, ignoreIndex));
        try {
            return body.apply(t);
        } finally {
            t.release();
        }
    }
}
