package dev.descent.lessons;

import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.function.Supplier;

/**
 * The tensor memory of one training step (forward and backward), read from the backend's ledger
 * ({@link Backend#memory()}): the bytes a device would hold running the same code.
 *
 * <p>{@link #measure} zeroes the parameters' gradients, then runs the forward pass and backward in a
 * {@link MemoryScope} that keeps only those gradients, as a training loop does. Everything else the step made is
 * released when the scope closes. Two figures come out of it, both counted from what was held before the step
 * (the parameters, the batch):
 * <ul>
 *   <li>{@code heldForBackward}: live bytes right after the forward pass. Nothing has been freed yet, so this is
 *       every tensor the forward pass made and kept alive: the activations its graph saved for backward.</li>
 *   <li>{@code peak}: the most held at any moment of the step, backward's gradients and temporaries included.</li>
 * </ul>
 *
 * @param loss the loss value the forward pass computed
 */
public record StepMemory(float loss, long heldForBackward, long peak) {

    /** Runs {@code loss} forward and backward on {@code backend}, keeping the gradients of {@code params}. */
    public static StepMemory measure(Backend backend, List<Tensor> params, Supplier<Tensor> loss) {
        params.forEach(Tensor::zeroGrad);
        long before = backend.memory().liveBytes();
        backend.resetPeakMemory();
        float value;
        long held;
        try (MemoryScope step = backend.scope()) {
            Tensor l = loss.get();
            held = backend.memory().liveBytes() - before;
            value = l.item();
            l.backward();
            params.forEach(p -> step.keep(p.grad()));
        }
        return new StepMemory(value, held, backend.memory().peakBytes() - before);
    }
}
