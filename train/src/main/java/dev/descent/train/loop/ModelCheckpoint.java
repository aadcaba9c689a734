package dev.descent.train.loop;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.HfGpt2;
import dev.descent.nn.state.SafeTensorsReader;
import dev.descent.nn.state.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The model of a checkpoint directory, for sampling and export: one the trainer wrote ({@link Checkpoint}:
 * {@code model.safetensors}, {@code optimizer.safetensors}, {@code trainer.json}) or one {@code import-hf} made
 * ({@code model.safetensors} alone, its shape in the file's metadata). The shape comes from the metadata when it
 * is there, else from the trainer state's identity, which records the same five numbers.
 */
public final class ModelCheckpoint {
    private ModelCheckpoint() {
    }

    /** The checkpoint's weights file: {@code dir}'s, or that of the {@code .prev} twin a crash left beside it. */
    public static Path weightsFile(Path dir) throws IOException {
        Path file = dir.resolve(Checkpoint.MODEL);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path previous = dir.resolveSibling(dir.getFileName() + ".prev").resolve(Checkpoint.MODEL);
        if (Files.isRegularFile(previous)) {
            return previous;
        }
        throw new IOException("no checkpoint at " + dir + ": " + (Files.isDirectory(dir) ? Checkpoint.MODEL
                + " is missing" : "the directory does not exist") + " (train one with ./descent train, or import "
                + "GPT-2 with ./descent import-hf DIR --out " + dir + ")");
    }

    /** The shape of the checkpoint's GPT. */
    public static GPTConfig config(Path dir) throws IOException {
        Path weights = weightsFile(dir);
        Map<String, String> metadata;
        try (SafeTensorsReader in = SafeTensorsReader.open(weights)) {
            metadata = in.metadata();
        }
        GPTConfig config = GPTConfig.fromShapeMetadata(metadata, weights.toString());
        if (config != null) {
            return config;
        }
        Path state = weights.resolveSibling(Checkpoint.STATE);
        if (!Files.isRegularFile(state)) {
            throw new IOException(weights + " does not record the model's shape and " + state + " is missing");
        }
        config = GPTConfig.fromShapeMetadata(Checkpoint.readState(weights.getParent()).identity(), state.toString());
        if (config == null) {
            throw new IOException(state + " does not record the model's shape (vocab, context, layers, heads, width)");
        }
        return config;
    }

    /** The checkpoint's GPT, built to its shape with its weights loaded (onto the default backend). */
    public static GPT load(Path dir) throws IOException {
        GPT model = new GPT(config(dir), new Rng(0));
        StateDict.load(model, weightsFile(dir));
        return model;
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

    /** Writes the checkpoint {@code dir}'s model as a Hugging Face GPT-2 folder {@code hfDir} (new or empty). */
    public static GPTConfig exportHf(Path dir, Path hfDir) throws IOException {
        GPTConfig config = config(dir);
        requireNewOrEmpty(hfDir, "--out");
        HfGpt2.exportFolder(weightsFile(dir), config, hfDir);
        return config;
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
