package dev.descent.train.loop;

import dev.descent.core.MemoryScope;
import dev.descent.core.Tensor;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.gpt.GPTConfig;
import dev.descent.nn.hf.HfGpt2;
import dev.descent.train.data.GptTokenizer;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.data.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The weights a new run starts from ({@code train --init-from}, fine-tuning): a descent checkpoint directory (one a
 * run wrote, or one {@code import-hf} made) or a Hugging Face GPT-2 folder ({@code config.json} and
 * {@code model.safetensors}). {@link #open} reads only the shape, so the run can be configured to it before a model
 * exists; {@link #loadInto} then fills a model of that shape.
 *
 * @param path   what the user named
 * @param from   the directory actually read: {@code path}, or its {@code .prev} twin when path is an unreadable
 *               checkpoint
 * @param format what kind of source it is
 * @param shape  the model's shape the source holds
 */
public record InitSource(Path path, Path from, Format format, GPTConfig shape) {

    /** The two kinds of source. */
    public enum Format {
        CHECKPOINT("a descent checkpoint"), HUGGING_FACE("a Hugging Face GPT-2 folder");

        private final String description;

        Format(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The source at {@code path}: a Hugging Face folder when it holds {@code config.json}, else a checkpoint
     * directory (falling back on its {@code .prev} twin, as every checkpoint load does). An IOException names the
     * path and what is wrong with it.
     */
    public static InitSource open(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            throw new IOException("--init-from " + path + ": " + (Files.exists(path) ? "is a file" : "does not exist")
                    + "; name a checkpoint directory (./descent import-hf or a run's checkpoint) or a Hugging Face "
                    + "GPT-2 folder (config.json and model.safetensors)");
        }
        try {
            if (Files.isRegularFile(path.resolve(HfGpt2.CONFIG))) {
                return new InitSource(path, path, Format.HUGGING_FACE, HfGpt2.readConfig(path));
            }
            Checkpoint.Loaded<GPTConfig> shape = ModelCheckpoint.shape(path);
            return new InitSource(path, shape.from(), Format.CHECKPOINT, shape.value());
        } catch (IOException e) {
            throw new IOException("--init-from " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies the source's weights into {@code model}, which must have the source's shape, and refuses non-finite
     * ones. Every name, shape and dtype is checked before a value is copied.
     */
    public void loadInto(GPT model) throws IOException {
        if (!model.config().shapeMetadata().equals(shape.shapeMetadata())) {
            throw new IllegalArgumentException("the model " + model.config().shapeMetadata() + " has not the shape of "
                    + path + " " + shape.shapeMetadata());
        }
        if (format == Format.CHECKPOINT) {
            Checkpoint.loadWeights(from, dir -> model);
            return;
        }
        Map<String, Tensor> parameters = model.namedParameters();
        HfGpt2.readWeights(from, shape, (name, values) -> {
            Tensor p = parameters.get(name);
            try (MemoryScope read = p.backend().scope()) {
                p.copyFrom(p.backend().fromArray(values, p.shape()));
            }
        });
        var bad = Finite.firstNonFinite(parameters);
        if (bad.isPresent()) {
            throw new IOException(from.resolve(HfGpt2.WEIGHTS) + " holds non-finite values in " + bad.get());
        }
    }

    /** How the model's ids read as text: GPT-2's for a Hugging Face folder, the one a checkpoint records. */
    public Tokenizer tokenizer() throws IOException {
        return format == Format.HUGGING_FACE ? new GptTokenizer() : Tokenizers.recordedIn(from);
    }

    /** "runs/gpt2-124m (a descent checkpoint)", with the {@code .prev} twin named when that is what was read. */
    public String describe() {
        return path + " (" + format.description() + (from.equals(path) ? "" : ", read from " + from) + ")";
    }
}
