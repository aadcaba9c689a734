package dev.descent.lessons.checkpointing;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.state.SafeTensors;
import dev.descent.nn.state.StateDict;
import dev.descent.optim.AdamW;
import dev.descent.optim.LrSchedule;
import dev.descent.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A small training run whose whole state is spelled out, so that it can be saved and resumed exactly.
 *
 * <p>Everything that decides the next loss value:
 * <ol>
 *   <li>the weights (the GPT's parameters);</li>
 *   <li>the optimizer state: AdamW's moments m and v and its per-parameter step counts t (bias correction);</li>
 *   <li>the random generator that draws the dropout masks;</li>
 *   <li>the data position: where the next batch starts in the byte stream;</li>
 *   <li>the step number, which the learning-rate schedule reads.</li>
 * </ol>
 * A checkpoint holds all five: the weights in {@code model.safetensors} with the three {@link Counters} as metadata,
 * the optimizer's buffers in {@code optimizer.safetensors} with its step counts as metadata.
 */
final class TrainingRun {
    static final int BATCH = 4;
    static final int CONTEXT = 16;
    /** Byte-level tokens (vocabulary 256), 2 blocks of width 32, dropout 0.1 so the generator matters. */
    static final GPTConfig CONFIG = new GPTConfig(256, CONTEXT, 2, 2, 32, 0.1f, false);
    static final LrSchedule SCHEDULE = LrSchedule.warmupCosine(3e-3, 3e-4, 5, 30);

    static final String MODEL_FILE = "model.safetensors";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";

    /** The parts of the state other than the weights and the step; a resume may leave some out, to see why not. */
    enum Part { OPTIMIZER, RNG, DATA_POSITION }

    private final int[] data;
    private final Rng rng;
    private final GPT model;
    private final AdamW optimizer;
    private long step;
    private int cursor;

    /** A fresh run: a GPT initialised from {@code seed}, whose generator then keeps drawing the dropout masks. */
    TrainingRun(int[] data, long seed) {
        this.data = data;
        this.rng = new Rng(seed);
        this.model = new GPT(CONFIG, rng);
        this.optimizer = new AdamW(model.parameters()).lr(SCHEDULE.lr(0)).betas(0.9, 0.95).weightDecay(0.1);
    }

    /** One optimizer step on the next batch; returns the batch's loss (before the update). */
    float step() {
        int span = BATCH * CONTEXT;
        if (cursor + span + 1 > data.length) {
            cursor = 0;
        }
        float[] x = new float[span];
        float[] y = new float[span];
        for (int i = 0; i < span; i++) {
            x[i] = data[cursor + i];
            y[i] = data[cursor + i + 1];
        }
        cursor += span;
        SCHEDULE.apply(optimizer, step);
        optimizer.zeroGrad();
        Tensor loss = model.loss(Tensor.fromArray(x, BATCH, CONTEXT), Tensor.fromArray(y, BATCH, CONTEXT));
        loss.backward();
        optimizer.step();
        step++;
        return loss.item();
    }

    /** {@code n} steps; their losses. */
    float[] train(int n) {
        float[] losses = new float[n];
        for (int i = 0; i < n; i++) {
            losses[i] = step();
        }
        return losses;
    }

    /** Writes the complete state into {@code dir} (which must exist). Reads the run, changes nothing. */
    void save(Path dir) throws IOException {
        StateDict.save(model, dir.resolve(MODEL_FILE), new Counters(step, cursor, rng.state()).toMetadata());
        OptimizerState state = optimizer.exportState();
        Map<String, String> steps = new HashMap<>();
        state.steps().forEach((index, t) -> steps.put(index, Long.toString(t)));
        SafeTensors.write(dir.resolve(OPTIMIZER_FILE), state.tensors(), steps);
    }

    /**
     * Loads the weights and the step from {@code dir}, and of the other parts only those in {@code parts}; the
     * parts left out stay as this run has them (a fresh optimizer, this run's generator, position 0).
     */
    void load(Path dir, Set<Part> parts) throws IOException {
        Counters counters = Counters.fromMetadata(StateDict.load(model, dir.resolve(MODEL_FILE)));
        step = counters.step();
        if (parts.contains(Part.DATA_POSITION)) {
            cursor = counters.cursor();
        }
        if (parts.contains(Part.RNG)) {
            rng.setState(counters.rngState());
        }
        if (parts.contains(Part.OPTIMIZER)) {
            SafeTensors.Contents saved = SafeTensors.read(dir.resolve(OPTIMIZER_FILE));
            Map<String, Long> steps = new HashMap<>();
            saved.metadata().forEach((index, t) -> steps.put(index, Long.parseLong(t)));
            optimizer.importState(new OptimizerState(saved.tensors(), steps));
        }
    }
}
