package dev.descent.optim;

import dev.descent.core.Autograd;
import dev.descent.core.Backend;
import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Gradient accumulation: a large batch as N micro-batches, each loss scaled by 1/N before its backward, and one
 * optimizer step at the end. Gradients add up across backward calls, so the sum of the N scaled gradients is
 * the gradient of the mean loss over the whole batch:
 * <pre>
 * ∇ (1/N)·Σ_k L_k = Σ_k ∇(L_k / N)        (L_k the mean loss of micro-batch k, all of equal size)
 * </pre>
 * This holds for models whose output for one example does not depend on the other examples in its batch. It
 * does NOT hold with BatchNorm in training mode: each micro-batch is normalised with its own mean and variance,
 * so N small batches compute a different function than one large one (LayerNorm, used by GPT, is per-example
 * and keeps the equivalence).
 *
 * <p>A training step with clipping:
 * <pre>{@code
 * optimizer.zeroGrad();
 * double loss = GradAccumulation.accumulate(model.parameters(), steps, k -> model.loss(loader.next()));
 * double norm = GradClip.clipGradNorm(optimizer.params(), 1.0);
 * schedule.apply(optimizer, step);
 * optimizer.step();
 * }</pre>
 */
public final class GradAccumulation {
    private GradAccumulation() {
    }

    /**
     * Micro-batches per optimizer step: {@code totalBatchTokens / (microBatch·seqLen)}, e.g. 2^19 / (2·1024) = 256.
     * Refuses a total that is not a whole number of micro-batches.
     */
    public static int accumulationSteps(long totalBatchTokens, int microBatch, int seqLen) {
        if (totalBatchTokens < 1 || microBatch < 1 || seqLen < 1) {
            throw new IllegalArgumentException("accumulationSteps: sizes must be >= 1, got total " + totalBatchTokens
                    + ", micro-batch " + microBatch + ", sequence length " + seqLen);
        }
        long perMicroBatch = (long) microBatch * seqLen;
        if (totalBatchTokens % perMicroBatch != 0) {
            throw new IllegalArgumentException("accumulationSteps: total batch of " + totalBatchTokens + " tokens is "
                    + "not a multiple of the micro-batch " + microBatch + " x " + seqLen + " = " + perMicroBatch
                    + " tokens");
        }
        long steps = totalBatchTokens / perMicroBatch;
        if (steps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("accumulationSteps: " + steps + " micro-batches is too many");
        }
        return (int) steps;
    }

    /**
     * Runs {@code microSteps} forward and backward passes: for k = 0 .. N−1, {@code (microBatchLoss(k) / N).backward()}.
     * Gradients are added to whatever the parameters hold (call {@code optimizer.zeroGrad()} first). Returns the
     * mean of the unscaled losses, read from the device once at the end.
     *
     * <p>Each micro-step runs in its own {@link MemoryScope} on the parameters' backend: its activations are released
     * when it ends, and only the parameters' gradients (and the running loss sum) are kept.
     *
     * @param params         the parameters whose gradients accumulate
     * @param microBatchLoss builds micro-batch k's mean loss, a single-element tensor with a graph
     */
    @SuppressWarnings("try")
    public static double accumulate(List<Tensor> params, int microSteps, IntFunction<Tensor> microBatchLoss) {
        Hyper.atLeastOne("accumulate", "microSteps", microSteps);
        if (params.isEmpty()) {
            throw new IllegalArgumentException("accumulate: no parameters to accumulate gradients for");
        }
        Backend backend = params.get(0).backend();
        Tensor lossSum = null;
        for (int k = 0; k < microSteps; k++) {
            try (MemoryScope micro = backend.scope()) {
                Tensor loss = microBatchLoss.apply(k);
                try (Autograd.Scope ignored = Autograd.noGrad()) {
                    // Σ_k L_k, summed on the device before backward releases the graph behind the loss
                    Tensor value = loss.detach();
                    lossSum = (lossSum == null ? value.backend().full(value.shape(), 0f) : lossSum).add(value);
                }
                // L_k / N
                loss.div(microSteps).backward();
                micro.keep(lossSum);
                params.forEach(p -> micro.keep(p.grad()));
            }
        }
        return lossSum.item() / microSteps;
    }

    /** One full optimizer step without clipping: zeroGrad, {@link #accumulate}, step. Returns the mean loss. */
    public static double step(Optimizer<?> optimizer, int microSteps, IntFunction<Tensor> microBatchLoss) {
        optimizer.zeroGrad();
        double loss = accumulate(optimizer.params(), microSteps, microBatchLoss);
        optimizer.step();
        return loss;
    }
}
