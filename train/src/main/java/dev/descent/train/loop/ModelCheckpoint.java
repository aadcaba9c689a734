package dev.descent.train.loop;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.HfGpt2;
import dev.descent.nn.state.SafeTensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The model of a checkpoint directory, for sampling and export: one the trainer wrote ({@link Checkpoint}:
 * {@code model.safetensors}, {@code optimizer.safetensors}, {@code trainer.json}) or one {@code import-hf} made
 * ({@code model.safetensors} alone, its shape in the file's metadata). The shape comes from the metadata when it
 * is there, else from the trainer state's identity, which records the same five numbers. Loads go through
 * {@link Checkpoint#loadWeights}: a directory that cannot be loaded is passed over for its {@code .prev} twin,
 * and non-finite weights are refused.
 */
public final class ModelCheckpoint {
    private ModelCheckpoint() {
    }

    /**
     * The shape recorded in the checkpoint directory {@code from} (not its {@code .prev} twin), or null when it
     * records none (weights saved without metadata and no trainer.json); IOException when what records it is damaged.
     */
    static GPTConfig recordedShape(Path from) throws IOException {
        Path weights = from.resolve(Checkpoint.MODEL);
        Map<String, String> metadata;
        try (SafeTensorsReader in = SafeTensorsReader.open(weights)) {
            metadata = in.metadata();
        }
        GPTConfig config = shape(metadata, weights);
        Path state = from.resolve(Checkpoint.STATE);
        if (config != null || !Files.isRegularFile(state)) {
            return config;
        }
        config = shape(Checkpoint.readValidState(state).identity(), state);
        if (config == null) {
            throw new IOException(state + " does not record the model's shape (vocab, context, layers, heads, width)");
        }
        return config;
    }

    /** The shape in {@code values} (metadata or identity) of {@code file}; a damaged one is an IOException. */
    private static GPTConfig shape(Map<String, String> values, Path file) throws IOException {
        try {
            return GPTConfig.fromShapeMetadata(values, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The GPT of the checkpoint {@code dir} (or of its {@code .prev} twin when dir is unloadable), with its weights
     * loaded onto the default backend. {@code shape} maps the shape the directory records (null when it records
     * none) to the one to build: it may supply a shape, and throws an IllegalArgumentException to refuse one.
     */
    public static Checkpoint.Loaded<GPT> load(Path dir, UnaryOperator<GPTConfig> shape) throws IOException {
        return Checkpoint.loadWeights(dir, from -> new GPT(shape.apply(recordedShape(from)), new Rng(0)));
    }

    /** The GPT of the checkpoint {@code dir}, built to the shape it records (which it must). */
    public static Checkpoint.Loaded<GPT> load(Path dir) throws IOException {
        return Checkpoint.loadWeights(dir, from -> new GPT(requiredShape(from), new Rng(0)));
    }

    /**
     * The shape recorded in the checkpoint {@code dir} (or in its {@code .prev} twin when dir is unreadable), which
     * must record one, and the directory it was read from.
     */
    public static Checkpoint.Loaded<GPTConfig> shape(Path dir) throws IOException {
        return Checkpoint.readWeights(dir, ModelCheckpoint::requiredShape);
    }

    /** The shape recorded in {@code from}, which must record one. */
    private static GPTConfig requiredShape(Path from) throws IOException {
        GPTConfig recorded = recordedShape(from);
        if (recorded == null) {
            throw new IOException(from.resolve(Checkpoint.MODEL) + " does not record the model's shape and "
                    + from.resolve(Checkpoint.STATE) + " is missing");
        }
        return recorded;
    }

    /**
     * Makes the checkpoint directory {@code dir} (new or empty) from the Hugging Face GPT-2 folder {@code hfDir}:
     * {@code model.safetensors} in descent's names, with the shape in its metadata. Returns the shape.
     */
    public static GPTConfig importHf(Path hfDir, Path dir) throws IOException {
        requireNewOrEmpty(dir, "--out");
        Files.createDirectories(dir);
        return HfGpt2.importFolder(hfDir, dir.resolve(Checkpoint.MODEL));
    }

    /**
     * Writes the model of the checkpoint {@code dir} (or of its {@code .prev} twin when dir is unloadable) as a
     * Hugging Face GPT-2 folder {@code hfDir} (new or empty), file to file. Returns the shape, and where it was read.
     */
    public static Checkpoint.Loaded<GPTConfig> exportHf(Path dir, Path hfDir) throws IOException {
        requireNewOrEmpty(hfDir, "--out");
        return Checkpoint.readWeights(dir, from -> {
            GPTConfig config = requiredShape(from);
            HfGpt2.exportFolder(from.resolve(Checkpoint.MODEL), config, hfDir);
            return config;
        });
    }

    private static void requireNewOrEmpty(Path dir, String option) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(option + " " + dir + " is a file; name a new directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IOException(option + " " + dir + " is not empty; name a new directory (nothing was written)");
            }
        }
    }
}
