package dev.descent.train.cli;

import dev.descent.core.Rng;
import dev.descent.nn.gpt.GPT;
import dev.descent.nn.state.StateDict;
import dev.descent.train.TrainConfig;
import dev.descent.train.data.Tokenizer;
import dev.descent.train.data.Tokenizers;
import dev.descent.train.loop.Sampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sample}: continue a prompt with a trained checkpoint. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a checkpoint.")
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--checkpoint", description = "Checkpoint directory (default: <out>/checkpoint of the preset).")
    Path checkpoint;

    @Option(names = "--prompt", defaultValue = "", description = "Text to continue (default: start of a document).")
    String prompt;

    @Option(names = "--tokens", defaultValue = "100", description = "Tokens to generate (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Softmax temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "Sample among the k likeliest tokens; 0 for all (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--sample-seed", defaultValue = "42", description = "Seed of the draws (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Override
    public Integer call() throws IOException {
        TrainConfig config = options.resolve();
        Path dir = checkpoint != null ? checkpoint : config.out().resolve("checkpoint");
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            throw new IOException("sample: no checkpoint at " + dir + " (no model.safetensors): train first "
                    + "(./descent) or pass --checkpoint");
        }
        Tokenizer tokenizer = tokenizerOf(config);
        GPT model = new GPT(config.model(), new Rng(config.seed()));
        StateDict.load(model, dir.resolve("model.safetensors"));
        int[] promptIds = prompt.isEmpty() ? new int[] {tokenizer.endOfText()} : tokenizer.encode(prompt);
        int[] out = Sampler.generate(model, promptIds, tokens, temperature, topK, new Rng(sampleSeed));
        int skip = prompt.isEmpty() ? 1 : 0;
        System.out.println(tokenizer.decode(Arrays.copyOfRange(out, skip, out.length)));
        return 0;
    }

    /** The tokenizer of the data the model was trained on, which reads its ids as text. */
    private static Tokenizer tokenizerOf(TrainConfig config) throws IOException {
        if (!Files.isDirectory(config.data())) {
            throw new IOException("sample: no dataset at " + config.data() + ", whose " + Tokenizer.FILE + " says how "
                    + "to read the model's tokens: train first (./descent) or pass the run's --data");
        }
        Tokenizers.requireFits(config.data(), config.vocab());
        return Tokenizers.forDataset(config.data());
    }
}
