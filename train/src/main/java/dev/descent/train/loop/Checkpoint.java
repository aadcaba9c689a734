package dev.descent.train.loop;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.descent.nn.Module;
import dev.descent.nn.state.SafeTensors;
import dev.descent.nn.state.StateDict;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A checkpoint directory: {@code model.safetensors} (the weights, readable by the Python ecosystem),
 * {@code optimizer.safetensors} (AdamW's moments) and {@code trainer.json} (step, generator state, data position,
 * the configuration's identity and the loss history).
 *
 * <p>Writes go to {@code <dir>.tmp}, which then replaces {@code <dir>} by renames: the previous checkpoint is
 * moved to {@code <dir>.prev} and deleted only after the new one is in place. A crash at any moment leaves a
 * complete checkpoint in {@code <dir>} or {@code <dir>.prev}, never a torn one; {@link #load} looks in both.
 */
public final class Checkpoint {
    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private Checkpoint() {
    }

    /** Saves model, optimizer and trainer state as {@code dir}, atomically. */
    public static void save(Path dir, Module model, Optimizer<?> optimizer, TrainState state) throws IOException {
        Path tmp = sibling(dir, ".tmp");
        Path prev = sibling(dir, ".prev");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        StateDict.save(model, tmp.resolve(MODEL));
        OptimizerState opt = optimizer.exportState();
        SafeTensors.write(tmp.resolve(OPTIMIZER), opt.tensors());
        Files.writeString(tmp.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
        deleteTree(prev);
        if (Files.exists(dir)) {
            Files.move(dir, prev, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(prev);
    }

    /** Reads only the trainer state of the checkpoint at {@code dir} (or its {@code .prev} twin). */
    public static TrainState readState(Path dir) throws IOException {
        return GSON.fromJson(Files.readString(existing(dir).resolve(STATE), StandardCharsets.UTF_8), TrainState.class);
    }

    /** Loads weights and optimizer state into {@code model} and {@code optimizer}; returns the trainer state. */
    public static TrainState load(Path dir, Module model, Optimizer<?> optimizer) throws IOException {
        Path from = existing(dir);
        TrainState state = readState(from);
        StateDict.load(model, from.resolve(MODEL));
        SafeTensors.Contents opt = SafeTensors.read(from.resolve(OPTIMIZER));
        optimizer.importState(new OptimizerState(opt.tensors(), state.optimizerSteps()));
        return state;
    }

    /** {@code dir} when complete, else the previous checkpoint a crash left beside it. */
    private static Path existing(Path dir) throws IOException {
        if (Files.exists(dir.resolve(STATE))) {
            return dir;
        }
        Path prev = sibling(dir, ".prev");
        if (Files.exists(prev.resolve(STATE))) {
            return prev;
        }
        throw new IOException("no checkpoint at " + dir + " (expected " + STATE + ", " + MODEL + " and " + OPTIMIZER + ")");
    }

    private static Path sibling(Path dir, String suffix) {
        return dir.resolveSibling(dir.getFileName() + suffix);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
