package dev.descent.train.loop;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.descent.core.Backends;
import dev.descent.core.MemoryScope;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.nn.Module;
import dev.descent.nn.state.SafeTensors;
import dev.descent.nn.state.SafeTensorsReader;
import dev.descent.nn.state.StateDict;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerState;
import dev.descent.train.data.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A checkpoint directory: {@code model.safetensors} (the weights, readable by the Python ecosystem),
 * {@code optimizer.safetensors} (AdamW's moments), {@code trainer.json} (step, generator state, data position,
 * the configuration's identity and schedule, and the loss history) and {@code tokenizer.json} (how the model's ids
 * read as text: the training data's tokenizer, so {@code sample} needs nothing but the checkpoint).
 *
 * <p>A save writes {@code <dir>.tmp} completely (each file fsynced, then the directory), then commits it by
 * renames, fsyncing the parent after each: the current {@code <dir>}, if it verifies, becomes {@code <dir>.prev};
 * {@code <dir>.tmp} becomes {@code <dir>}; {@code <dir>.prev} is deleted. A {@code <dir>} that does not verify is
 * deleted instead of demoted, so a {@code <dir>.prev} it was resumed from stays until the new one is in place. A
 * crash at any moment leaves a loadable checkpoint in {@code <dir>} or {@code <dir>.prev} (tested by killing a
 * training process during checkpoints); loads try both, in that order, and say which one they used.
 *
 * <p>A load checks trainer.json, then each safetensors header against the model and optimizer before reading
 * data, reads one tensor at a time, and refuses non-finite values.
 */
public final class Checkpoint {
    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer.json";
    private static final List<String> FILES = List.of(STATE, MODEL, OPTIMIZER);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private Checkpoint() {
    }

    /**
     * What a load read.
     *
     * @param from    the directory read: the one asked for, or its {@code .prev} twin
     * @param value   what was loaded from it: the trainer state, or the model of a weights-only load
     * @param skipped why the directory asked for was passed over for {@code .prev}; null when it was not
     */
    public record Loaded<T>(Path from, T value, String skipped) {
    }

    /** Saves model, optimizer, trainer state and the data's tokenizer as {@code dir}, atomically and durably. */
    public static void save(Path dir, Module model, Optimizer<?> optimizer, TrainState state, Tokenizer tokenizer)
            throws IOException {
        Path tmp = sibling(dir, ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        StateDict.save(model, tmp.resolve(MODEL));
        SafeTensors.write(tmp.resolve(OPTIMIZER), optimizer.exportState().tensors());
        writeDurably(tmp.resolve(STATE), GSON.toJson(state));
        writeDurably(tmp.resolve(Tokenizer.FILE), tokenizer.json());
        syncDirectory(tmp);
        for (CommitStep step : commitSteps(dir)) {
            step.action().run();
        }
    }

    /** One rename or deletion of a commit, durable when it returns. */
    record CommitStep(String name, IoAction action) {
    }

    interface IoAction {
        void run() throws IOException;
    }

    /** The renames and deletions that put a complete {@code <dir>.tmp} in place of {@code dir}, in order. */
    static List<CommitStep> commitSteps(Path dir) {
        Path tmp = sibling(dir, ".tmp");
        Path prev = sibling(dir, ".prev");
        List<CommitStep> steps = new ArrayList<>();
        if (Files.exists(dir)) {
            if (verifies(dir)) {
                steps.add(durable("delete the older " + prev, () -> deleteTree(prev), dir));
                steps.add(durable("demote " + dir + " to " + prev, () -> rename(dir, prev), dir));
            } else {
                steps.add(durable("delete the unloadable " + dir, () -> deleteTree(dir), dir));
            }
        }
        steps.add(durable("move " + tmp + " into place", () -> rename(tmp, dir), dir));
        steps.add(durable("delete " + prev, () -> deleteTree(prev), dir));
        return steps;
    }

    /** A step that fsyncs the directory holding {@code dir} after {@code action}, so the change survives a crash. */
    private static CommitStep durable(String name, IoAction action, Path dir) {
        return new CommitStep(name, () -> {
            action.run();
            syncDirectory(dir.toAbsolutePath().getParent());
        });
    }

    /** Whether {@code dir} holds a complete checkpoint: the three files, a valid trainer.json, finite data. */
    static boolean verifies(Path dir) {
        try {
            readValidState(dir.resolve(STATE));
            for (String file : List.of(MODEL, OPTIMIZER)) {
                try (SafeTensorsReader r = SafeTensorsReader.open(dir.resolve(file))) {
                    for (String key : r.entries().keySet()) {
                        for (float v : r.readFloats(key)) {
                            if (!Float.isFinite(v)) {
                                return false;
                            }
                        }
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The trainer state of the checkpoint at {@code dir}, or of its {@code .prev} twin when dir's is unreadable. */
    public static TrainState readState(Path dir) throws IOException {
        return firstLoadable(dir, FILES, from -> readValidState(from.resolve(STATE))).value();
    }

    /**
     * Loads weights and optimizer state into {@code model} and {@code optimizer} from {@code dir}, or from its
     * {@code .prev} twin when dir is unloadable. {@code accept} sees the trainer state first and throws to refuse
     * it (a run of another shape), before any tensor is read.
     */
    public static Loaded<TrainState> load(Path dir, Module model, Optimizer<?> optimizer, Consumer<TrainState> accept)
            throws IOException {
        return firstLoadable(dir, FILES, from -> {
            TrainState state = readValidState(from.resolve(STATE));
            try {
                accept.accept(state);
            } catch (RuntimeException e) {
                throw new Refused(e);
            }
            loadModel(from.resolve(MODEL), model);
            loadOptimizer(from.resolve(OPTIMIZER), model, optimizer, state);
            return state;
        });
    }

    /**
     * Loads only the weights (what sampling needs) from {@code dir}, or from its {@code .prev} twin, into the module
     * {@code build} makes for the directory read (its shape may be read from there). The builder throws an
     * IOException when the directory is unreadable (then {@code .prev} is tried) and a RuntimeException to refuse
     * the checkpoint (a model of another shape than asked for), before any tensor is read.
     */
    public static <M extends Module> Loaded<M> loadWeights(Path dir, Attempt<M> build) throws IOException {
        return readWeights(dir, from -> {
            M model;
            try {
                model = build.load(from);
            } catch (RuntimeException e) {
                throw new Refused(e);
            }
            loadModel(from.resolve(MODEL), model);
            return model;
        });
    }

    /**
     * Reads the weights file of {@code dir} with {@code read} (an export streams it), or that of its {@code .prev}
     * twin when dir lacks it or {@code read} fails there.
     */
    public static <T> Loaded<T> readWeights(Path dir, Attempt<T> read) throws IOException {
        return firstLoadable(dir, List.of(MODEL), read);
    }

    /** A checkpoint that loads but that the caller refuses (another run's): no reason to try .prev. */
    private static final class Refused extends RuntimeException {
        Refused(RuntimeException cause) {
            super(cause);
        }
    }

    /** What is done with one checkpoint directory, {@code dir} or its {@code .prev} twin. */
    public interface Attempt<T> {
        T load(Path from) throws IOException;
    }

    /** The first of {@code dir}, {@code dir.prev} that holds {@code needed} and that {@code attempt} loads. */
    private static <T> Loaded<T> firstLoadable(Path dir, List<String> needed, Attempt<T> attempt) throws IOException {
        Path prev = sibling(dir, ".prev");
        String dirProblem;
        try {
            return new Loaded<>(dir, attempt.load(present(dir, needed)), null);
        } catch (Refused e) {
            throw (RuntimeException) e.getCause();
        } catch (IOException | RuntimeException e) {
            dirProblem = e.getMessage();
        }
        if (!Files.exists(prev)) {
            boolean nothing = needed.stream().noneMatch(f -> Files.exists(dir.resolve(f)));
            String make = needed.contains(STATE) ? "train one first (./descent train)" : "train one first "
                    + "(./descent train), import GPT-2 (./descent import-hf DIR --out " + dir + ")";
            throw new IOException(nothing ? dirProblem + hint(dir, needed) + "; " + make + " or name a checkpoint "
                    + "directory" : "cannot load the checkpoint " + dir + ": " + dirProblem
                    + "; there is no " + prev.getFileName() + " to fall back on: restore it from a copy or start the "
                    + "run again (./descent train --replace)");
        }
        try {
            return new Loaded<>(prev, attempt.load(present(prev, needed)), dirProblem);
        } catch (Refused e) {
            throw (RuntimeException) e.getCause();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot load the checkpoint " + dir + ": " + dirProblem + "; nor " + prev + ": "
                    + e.getMessage() + ": restore it from a copy or start the run again (./descent train --replace)");
        }
    }

    /** {@code dir}, if it holds every file of {@code needed}; else an error naming the missing ones. */
    private static Path present(Path dir, List<String> needed) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no checkpoint at " + dir + ": " + (Files.exists(dir) ? "it is a file, not a directory"
                    : "the directory does not exist"));
        }
        List<String> missing = needed.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new IOException("no checkpoint at " + dir + ": it lacks " + String.join(", ", missing));
        }
        return dir;
    }

    /** A hint when {@code dir} is a run directory whose checkpoint is one level down. */
    private static String hint(Path dir, List<String> needed) {
        Path inner = dir.resolve("checkpoint");
        return needed.stream().allMatch(f -> Files.exists(inner.resolve(f))) ? " (did you mean " + inner + "?)" : "";
    }

    /** The trainer state in {@code file} (a checkpoint's trainer.json), checked; IOException naming the problem. */
    static TrainState readValidState(Path file) throws IOException {
        String json = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);   // bytes that are no UTF-8 fail as JSON
        TrainState state;
        try {
            state = GSON.fromJson(json, TrainState.class);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                    .orElse("").replaceFirst("^[\\w.]+Exception: ", "");
            throw new IOException("checkpoint file " + file + " is not valid JSON (cut short or edited?): " + why);
        }
        if (state == null) {
            throw new IOException("checkpoint file " + file + " is empty (the write was cut short)");
        }
        state.check(file);
        return state;
    }

    private static void loadModel(Path file, Module model) throws IOException {
        StateDict.load(model, file);
        refuseNonFinite(file, model.namedParameters());
    }

    /**
     * Loads optimizer.safetensors after checking its header: every key is {@code <index>.<buffer>} of a parameter
     * that has a step counter, with that parameter's shape, so nothing larger than the model's state is read.
     */
    private static void loadOptimizer(Path file, Module model, Optimizer<?> optimizer, TrainState state)
            throws IOException {
        List<Tensor> params = optimizer.params();
        try (SafeTensorsReader r = SafeTensorsReader.open(file)) {
            for (Map.Entry<String, Shape> e : r.shapes().entrySet()) {
                String key = e.getKey();
                int dot = key.indexOf('.');
                String index = dot < 0 ? "" : key.substring(0, dot);
                Integer i = state.optimizerSteps().containsKey(index) ? parseIndex(index, params.size()) : null;
                if (i == null || !optimizer.stateBufferNames().contains(key.substring(dot + 1))
                        || !e.getValue().equals(params.get(i).shape())) {
                    throw new IOException("checkpoint file " + file + " holds '" + key + "' of shape " + e.getValue()
                            + ", which is no state of this optimizer (<parameter index with a step counter>."
                            + optimizer.stateBufferNames() + ", that parameter's shape)");
                }
            }
            r.requireFloat32();
            // what is read is released once imported (copied): only the optimizer's own buffers stay on the device
            try (MemoryScope read = Backends.defaultBackend().scope()) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (String key : r.shapes().keySet()) {
                    tensors.put(key, r.readTensor(key));
                }
                optimizer.importState(new OptimizerState(tensors, state.optimizerSteps()));
                optimizer.exportState().tensors().values().forEach(read::keep);
            } catch (IllegalArgumentException e) {
                throw new IOException("checkpoint file " + file + ": " + e.getMessage(), e);
            }
        }
        refuseNonFinite(file, namedState(model, optimizer));
    }

    private static Integer parseIndex(String index, int count) {
        try {
            int i = Integer.parseInt(index);
            return i >= 0 && i < count ? i : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void refuseNonFinite(Path file, Map<String, Tensor> tensors) throws IOException {
        var bad = Finite.firstNonFinite(tensors);
        if (bad.isPresent()) {
            throw new IOException("checkpoint file " + file + " holds non-finite values in " + bad.get()
                    + " (a diverged run)");
        }
    }

    /** The optimizer's state tensors named after their parameters: {@code "exp_avg of wpe.weight"}. */
    static Map<String, Tensor> namedState(Module model, Optimizer<?> optimizer) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        model.namedParameters().forEach((name, p) -> names.put(p, name));
        Map<String, Tensor> named = new LinkedHashMap<>();
        optimizer.exportState().tensors().forEach((key, t) -> {
            int dot = key.indexOf('.');
            Tensor param = optimizer.params().get(Integer.parseInt(key.substring(0, dot)));
            named.put(key.substring(dot + 1) + " of " + names.getOrDefault(param, "parameter " + key.substring(0, dot)), t);
        });
        return named;
    }

    private static void writeDurably(Path file, String text) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
    }

    private static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes the entries of {@code dir} (new names, renames, deletions) durable. Where a directory cannot be opened
     * (Windows), the file system's own ordering is all there is.
     */
    private static void syncDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try (channel) {
            channel.force(true);
        }
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
