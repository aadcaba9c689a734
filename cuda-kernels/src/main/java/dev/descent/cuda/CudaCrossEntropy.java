package dev.descent.cuda;

import dev.descent.core.Tensor;
import java.util.function.Function;

/**
 * Per-row cross-entropy with label smoothing and an ignored target, its logits gradient, and the in-place pair of
 * both (no smoothing), on {@code crossentropy.cu}.
 */
final class CudaCrossEntropy {
    private static final int THREADS = 256;

    private final CudaBackend backend;
    private final CudaDevice device;
    private final CudaIndices indices;

    CudaCrossEntropy(CudaBackend backend, CudaDevice device, CudaIndices indices) {
        this.backend = backend;
        this.device = device;
        this.indices = indices;
    }

    /** logits (N, C), targets (N) -> loss per row (N). */
    Tensor forward(Tensor logits, Tensor targets, int ignoreIndex, float smoothing) {
        int rows = targets.numel();
        return withTargets(logits, targets, ignoreIndex, t -> {
            Tensor loss = backend.empty(targets.shape());
            if (rows > 0) {
                device.launch(Kernels.CROSSENTROPY_FORWARD, LaunchShape.perItem(rows, THREADS), rows, logits.dim(1),
                        ignoreIndex, smoothing, backend.checked(logits), t, loss);
            }
            return loss;
        });
    }

    /** dlogits (N, C) = rowGrad_n · (softmax(logits_n) − smoothed one-hot), zero rows where ignored. */
    Tensor backward(Tensor logits, Tensor targets, Tensor rowGrad, int ignoreIndex, float smoothing) {
        int rows = targets.numel();
        return withTargets(logits, targets, ignoreIndex, t -> {
            Tensor d = backend.empty(logits.shape());
            if (rows > 0) {
                device.launch(Kernels.CROSSENTROPY_BACKWARD, LaunchShape.perItem(rows, THREADS), rows, logits.dim(1),
                        ignoreIndex, smoothing, backend.checked(logits), t, backend.checked(rowGrad), d);
            }
            return d;
        });
    }

    /** loss per row (N) = −log softmax(logits_n)[y_n]; overwrites logits (N, C) with softmax − one-hot. */
    Tensor inPlace(Tensor logits, Tensor targets, int ignoreIndex) {
        int rows = targets.numel();
        return withTargets(logits, targets, ignoreIndex, t -> {
            Tensor loss = backend.empty(targets.shape());
            if (rows > 0) {
                device.launch(Kernels.CROSSENTROPY_INPLACE, LaunchShape.perItem(rows, THREADS), rows, logits.dim(1),
                        ignoreIndex, backend.checked(logits), t, loss);
            }
            return loss;
        });
    }

    /** Runs {@code body} with the targets checked and converted to device ints, released afterwards. */
    private Tensor withTargets(Tensor logits, Tensor targets, int ignoreIndex, Function<DeviceBuffer, Tensor> body) {
        int c = logits.dim(1);
        DeviceBuffer t = indices.toInts("crossEntropy", targets, c, ignoreIndex, true, c + " classes");
        try {
            return body.apply(t);
        } finally {
            t.release();
        }
    }
}
